"""Realistic pt-BR demo data: the generator behind `manage.py seed_demo` and the benchmark.

Pure generation, no database: real city/UF pairs with their CEP ranges and coordinates,
prices by kind, purpose and city, areas and rooms by kind, a review history consistent
with each status. Deterministic for a seed (timestamps are relative to the day it runs).
Values come from one `random.Random` and a seeded Faker; nothing here is per-row SQL.
"""

import functools
import random
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any

from faker import Faker

from apps.real_estates.models import ADDRESS_FIELDS, Kind, Purpose, Status
from apps.real_estates.search import normalize_text


@dataclass(frozen=True)
class City:
    name: str
    uf: str
    cep_range: tuple[int, int]  # first five CEP digits, inclusive
    lat: float
    lon: float
    weight: int  # relative share of the listings
    price_factor: float
    neighborhoods: tuple[str, ...] = ()


# Real cities with their CEP ranges (Correios) and centres; neighborhoods where we know them,
# Faker's `bairro` elsewhere.
CITIES: tuple[City, ...] = (
    City("São Paulo", "SP", (1000, 5999), -23.5505, -46.6333, 30, 1.4,
         ("Itaim Bibi", "Pinheiros", "Moema", "Vila Mariana", "Tatuapé", "Perdizes", "Santana",
          "Jardim Paulista", "Bela Vista", "Consolação", "Vila Madalena", "Mooca", "Butantã")),
    City("Rio de Janeiro", "RJ", (20000, 23799), -22.9068, -43.1729, 18, 1.3,
         ("Copacabana", "Ipanema", "Leblon", "Tijuca", "Botafogo", "Barra da Tijuca", "Flamengo",
          "Laranjeiras", "Méier", "Recreio dos Bandeirantes", "Centro")),
    City("Belo Horizonte", "MG", (30000, 31999), -19.9167, -43.9345, 8, 1.0,
         ("Savassi", "Lourdes", "Funcionários", "Pampulha", "Buritis", "Sion", "Centro")),
    City("Brasília", "DF", (70000, 72799), -15.7939, -47.8828, 7, 1.25,
         ("Asa Sul", "Asa Norte", "Lago Sul", "Sudoeste", "Águas Claras", "Noroeste")),
    City("Curitiba", "PR", (80000, 82999), -25.4284, -49.2733, 6, 1.05,
         ("Batel", "Água Verde", "Bigorrilho", "Centro Cívico", "Juvevê", "Portão")),
    City("Porto Alegre", "RS", (90000, 91999), -30.0346, -51.2177, 5, 1.0,
         ("Moinhos de Vento", "Bela Vista", "Petrópolis", "Menino Deus", "Cidade Baixa")),
    City("Salvador", "BA", (40000, 42599), -12.9777, -38.5016, 5, 0.9,
         ("Barra", "Pituba", "Rio Vermelho", "Graça", "Itaigara", "Stella Maris")),
    City("Recife", "PE", (50000, 52999), -8.0476, -34.8770, 4, 0.9,
         ("Boa Viagem", "Casa Forte", "Espinheiro", "Graças", "Madalena")),
    City("Fortaleza", "CE", (60000, 61599), -3.7319, -38.5267, 4, 0.85,
         ("Meireles", "Aldeota", "Cocó", "Praia de Iracema", "Fátima")),
    City("Florianópolis", "SC", (88000, 88099), -27.5949, -48.5482, 3, 1.3,
         ("Jurerê", "Lagoa da Conceição", "Trindade", "Centro", "Campeche", "Itacorubi")),
    City("Campinas", "SP", (13000, 13139), -22.9056, -47.0608, 3, 1.0,
         ("Cambuí", "Taquaral", "Barão Geraldo", "Centro", "Guanabara")),
    City("Goiânia", "GO", (74000, 74899), -16.6869, -49.2648, 3, 0.85, ("Setor Bueno", "Setor Marista")),
    City("Manaus", "AM", (69000, 69099), -3.1190, -60.0217, 3, 0.8, ("Adrianópolis", "Ponta Negra")),
    City("Belém", "PA", (66000, 66999), -1.4558, -48.4902, 2, 0.8, ("Umarizal", "Nazaré", "Batista Campos")),
    City("Niterói", "RJ", (24000, 24399), -22.8832, -43.1034, 2, 1.15, ("Icaraí", "Santa Rosa", "Ingá")),
    City("Santos", "SP", (11000, 11099), -23.9608, -46.3336, 2, 1.1,
         ("Gonzaga", "Boqueirão", "Ponta da Praia")),
    City("Vitória", "ES", (29000, 29099), -20.3155, -40.3128, 2, 1.0, ("Praia do Canto", "Jardim da Penha")),
    City("São Luís", "MA", (65000, 65109), -2.5307, -44.3068, 1, 0.75),
    City("Natal", "RN", (59000, 59139), -5.7945, -35.2110, 1, 0.8, ("Ponta Negra", "Tirol", "Petrópolis")),
    City("Maceió", "AL", (57000, 57099), -9.6498, -35.7089, 1, 0.8, ("Pajuçara", "Ponta Verde", "Jatiúca")),
    City("João Pessoa", "PB", (58000, 58099), -7.1195, -34.8450, 1, 0.8,
         ("Manaíra", "Tambaú", "Cabo Branco")),
    City("Teresina", "PI", (64000, 64099), -5.0892, -42.8019, 1, 0.7),
    City("Campo Grande", "MS", (79000, 79129), -20.4697, -54.6201, 1, 0.85),
    City("Cuiabá", "MT", (78000, 78109), -15.6014, -56.0979, 1, 0.85),
    City("Aracaju", "SE", (49000, 49099), -10.9472, -37.0731, 1, 0.75),
    City("Porto Velho", "RO", (76800, 76834), -8.7612, -63.9004, 1, 0.7),
    City("Palmas", "TO", (77000, 77270), -10.1689, -48.3317, 1, 0.75),
    City("Macapá", "AP", (68900, 68914), 0.0349, -51.0694, 1, 0.7),
    City("Boa Vista", "RR", (69300, 69339), 2.8235, -60.6758, 1, 0.7),
    City("Rio Branco", "AC", (69900, 69923), -9.9754, -67.8249, 1, 0.7),
    City("Ribeirão Preto", "SP", (14000, 14114), -21.1775, -47.8103, 1, 0.95, ("Jardim Botânico", "Centro")),
    City("Joinville", "SC", (89200, 89239), -26.3045, -48.8487, 1, 0.9),
    City("Uberlândia", "MG", (38400, 38415), -18.9186, -48.2772, 1, 0.85),
)  # fmt: skip

# BRL before the city factor: sale prices and monthly rents.
PRICES: dict[tuple[str, str], tuple[int, int]] = {
    (Kind.HOUSE, Purpose.SALE): (220_000, 2_800_000),
    (Kind.APARTMENT, Purpose.SALE): (170_000, 2_200_000),
    (Kind.LAND, Purpose.SALE): (50_000, 1_200_000),
    (Kind.COMMERCIAL, Purpose.SALE): (250_000, 6_000_000),
    (Kind.RURAL, Purpose.SALE): (350_000, 9_000_000),
    (Kind.HOUSE, Purpose.RENT): (1_400, 15_000),
    (Kind.APARTMENT, Purpose.RENT): (1_100, 12_000),
    (Kind.LAND, Purpose.RENT): (500, 5_000),
    (Kind.COMMERCIAL, Purpose.RENT): (2_000, 40_000),
    (Kind.RURAL, Purpose.RENT): (1_500, 25_000),
}
AREAS: dict[str, tuple[int, int]] = {
    Kind.HOUSE: (60, 480),
    Kind.APARTMENT: (30, 260),
    Kind.LAND: (150, 3_000),
    Kind.COMMERCIAL: (25, 2_000),
    Kind.RURAL: (5_000, 600_000),
}
KIND_WEIGHTS = {Kind.APARTMENT: 45, Kind.HOUSE: 30, Kind.LAND: 10, Kind.COMMERCIAL: 10, Kind.RURAL: 5}
STATUS_WEIGHTS = {
    Status.DRAFT: 15, Status.SUBMITTED: 15, Status.APPROVED: 45, Status.REJECTED: 12, Status.ARCHIVED: 13,
}  # fmt: skip
KIND_NAMES = {
    Kind.HOUSE: "Casa",
    Kind.APARTMENT: "Apartamento",
    Kind.LAND: "Terreno",
    Kind.COMMERCIAL: "Sala comercial",
    Kind.RURAL: "Sítio",
}
FEATURES = {
    Kind.HOUSE: ("com piscina", "com quintal", "térrea", "em condomínio fechado", "com edícula", "reformada"),
    Kind.APARTMENT: ("com varanda gourmet", "com vista para o mar", "mobiliado", "com suíte", "garden",
                     "cobertura duplex", "próximo ao metrô"),
    Kind.LAND: ("plano", "de esquina", "em declive", "com escritura", "em loteamento"),
    Kind.COMMERCIAL: ("com recepção", "em avenida movimentada", "com copa", "andar alto",
                      "de frente para a rua"),
    Kind.RURAL: ("com nascente", "com pomar", "com casa sede", "com curral", "às margens do rio"),
}  # fmt: skip
DESCRIPTION_SENTENCES = (
    "Imóvel bem localizado, próximo a padarias, farmácias e supermercados.",
    "Fácil acesso ao transporte público e às principais avenidas da região.",
    "Ambientes amplos e arejados, com ótima iluminação natural.",
    "Piso de porcelanato na sala e nos quartos, cozinha planejada.",
    "Condomínio com portaria 24 horas, academia e salão de festas.",
    "Documentação em dia, aceita financiamento bancário.",
    "Rua tranquila e arborizada, ideal para famílias.",
    "Área de serviço independente e armários embutidos.",
    "Vaga de garagem coberta e depósito privativo.",
    "Região valorizada, com escolas e parques nas proximidades.",
    "Necessita de pequenas reformas; preço abaixo do mercado.",
    "Aquecimento solar, água encanada e energia trifásica.",
    "Churrasqueira e espaço gourmet integrados à sala de estar.",
    "Próximo ao centro, a poucos minutos da praia.",
    "Vista desimpedida, sol da manhã em todos os cômodos.",
    "Terreno com topografia favorável e ótimo potencial construtivo.",
    "Segurança com câmeras, cerca elétrica e interfone.",
    "Ótima opção para investimento ou moradia.",
)
REJECTION_REASONS = (
    "As fotos não mostram o interior do imóvel.",
    "O CEP não corresponde ao endereço informado.",
    "Preço incompatível com a região; confirme o valor com o proprietário.",
    "Área informada diverge da matrícula do imóvel.",
    "Descrição incompleta: informe o estado de conservação.",
    "Fotos desfocadas; refaça as imagens da fachada.",
)
COMPLEMENTS = ("", "", "", "Apto 12", "Apto 104", "Bloco B", "Casa 2", "Sala 305", "Fundos", "Lote 7")
# The transitions from a draft to each status (from, to, who); a draft's is its reopening.
WORKFLOW_PATHS: dict[Status, tuple[tuple[Status, Status, str], ...]] = {
    Status.SUBMITTED: ((Status.DRAFT, Status.SUBMITTED, "collector"),),
    Status.APPROVED: (
        (Status.DRAFT, Status.SUBMITTED, "collector"),
        (Status.SUBMITTED, Status.APPROVED, "reviewer"),
    ),
    Status.REJECTED: (
        (Status.DRAFT, Status.SUBMITTED, "collector"),
        (Status.SUBMITTED, Status.REJECTED, "reviewer"),
    ),
    Status.ARCHIVED: (
        (Status.DRAFT, Status.SUBMITTED, "collector"),
        (Status.SUBMITTED, Status.APPROVED, "reviewer"),
        (Status.APPROVED, Status.ARCHIVED, "reviewer"),
    ),
    Status.DRAFT: (
        (Status.DRAFT, Status.SUBMITTED, "collector"),
        (Status.SUBMITTED, Status.REJECTED, "reviewer"),
        (Status.REJECTED, Status.DRAFT, "collector"),  # the collector edited it
    ),
}
HOUR = timedelta(hours=1)
SEED_SPAN = timedelta(days=365)  # how far back the seeded real estates were created


_normalized = functools.lru_cache(maxsize=8192)(normalize_text)


@dataclass
class SeedRealEstate:
    """One generated real estate: its model fields and its history, oldest first."""

    fields: dict[str, Any]
    # (from, to, actor index: "collector" or "reviewer", at, reason)
    history: list[tuple[str, str, str, datetime, str]] = field(default_factory=list)


class DemoData:
    """Generates demo users and real estates deterministically for a seed."""

    def __init__(self, seed: int | None, now: datetime) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
        self.fake = Faker("pt_BR")
        self.fake.seed_instance(seed if seed is not None else self.rng.getrandbits(64))
        self.now = now
        self._cities = list(CITIES)
        self._city_weights = list(accumulate(c.weight for c in CITIES))
        self._streets = [self.fake.street_name() for _ in range(600)]
        self._bairros = [self.fake.bairro() for _ in range(300)]
        self._statuses = list(STATUS_WEIGHTS)
        self._status_weights = list(accumulate(STATUS_WEIGHTS.values()))
        self._kinds = list(KIND_WEIGHTS)
        self._kind_weights = list(accumulate(KIND_WEIGHTS.values()))

    # --- people ---------------------------------------------------------------------

    def cpf(self) -> str:
        return "".join(ch for ch in self.fake.cpf() if ch.isdigit())

    def name(self) -> str:
        return f"{self.fake.first_name()} {self.fake.last_name()} {self.fake.last_name()}"

    def email(self, name: str, cpf: str) -> str:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
        first, *_, last = ascii_name.split()
        return f"{first}.{last}.{cpf[-4:]}@exemplo.com.br"

    # --- real estates ------------------------------------------------------------------

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _money(self, low: float, high: float, step: int) -> Decimal:
        # Log-uniform: many modest listings, a long tail of expensive ones.
        value = low * (high / low) ** self.rng.random()
        return Decimal(max(step, round(value / step) * step)).quantize(Decimal("0.01"))

    def real_estate(self) -> SeedRealEstate:
        rng = self.rng
        city = rng.choices(self._cities, cum_weights=self._city_weights)[0]
        kind = rng.choices(self._kinds, cum_weights=self._kind_weights)[0]
        purpose = Purpose.SALE if rng.random() < 0.7 else Purpose.RENT
        low, high = PRICES[(kind, purpose)]
        step = 50 if purpose == Purpose.RENT else 1_000
        price = self._money(low * city.price_factor, high * city.price_factor, step)
        area_low, area_high = AREAS[kind]
        area = Decimal(round(area_low * (area_high / area_low) ** rng.random(), 2)).quantize(Decimal("0.01"))
        if kind in (Kind.HOUSE, Kind.APARTMENT):
            bedrooms = min(6, max(1, int(float(area) // 35)))
            bathrooms = max(1, bedrooms - rng.randint(0, 1))
            parking = rng.randint(0, min(4, bedrooms))
        elif kind == Kind.RURAL:
            bedrooms, bathrooms, parking = rng.randint(1, 6), rng.randint(1, 4), rng.randint(0, 6)
        elif kind == Kind.COMMERCIAL:
            bedrooms, bathrooms, parking = 0, rng.randint(1, 4), rng.randint(0, 10)
        else:
            bedrooms, bathrooms, parking = 0, 0, 0
        neighborhood = (
            rng.choice(city.neighborhoods)
            if city.neighborhoods and rng.random() < 0.8
            else (rng.choice(self._bairros))
        )
        street = rng.choice(self._streets)
        feature = rng.choice(FEATURES[kind])
        plural = "s" if bedrooms > 1 else ""
        rooms = f" com {bedrooms} quarto{plural}" if bedrooms and rng.random() < 0.5 else ""
        title = f"{KIND_NAMES[kind]}{rooms or ' ' + feature} em {neighborhood}"
        sentences = rng.sample(DESCRIPTION_SENTENCES, rng.randint(2, 4))
        description = " ".join(sentences)
        cep = f"{rng.randint(*city.cep_range):05d}{rng.randint(0, 999):03d}"
        fields: dict[str, Any] = {
            "title": title,
            "description": description,
            "kind": kind.value,
            "purpose": purpose.value,
            "price": price,
            "area_m2": area,
            "bedrooms": bedrooms,
            "bathrooms": bathrooms,
            "parking_spaces": parking,
            "zip_code": cep,
            "street": street,
            "number": str(rng.randint(1, 4000)) if kind != Kind.RURAL else "s/n",
            "complement": rng.choice(COMPLEMENTS) if kind in (Kind.APARTMENT, Kind.COMMERCIAL) else "",
            "neighborhood": neighborhood,
            "city": city.name,
            "state": city.uf,
            "latitude": Decimal(f"{city.lat + rng.uniform(-0.08, 0.08):.6f}"),
            "longitude": Decimal(f"{city.lon + rng.uniform(-0.08, 0.08):.6f}"),
        }
        # build_search_text(title, description, street, neighborhood, city), part by part: the
        # parts come from small pools, so each is normalised once (the normaliser maps
        # characters independently and collapses whitespace, so this is the same string).
        fields["search_text"] = " ".join(
            _normalized(part) for part in (title, *sentences, street, neighborhood, city.name)
        )
        return SeedRealEstate(fields=fields)

    def with_history(self, item: SeedRealEstate, created: datetime) -> SeedRealEstate:
        """Picks the status a listing is headed for and walks the workflow there from `created`,
        a step every 1 to 240 hours. A step that would come after now has not happened yet: the
        newest listings are still drafts or awaiting review, as in production (docs/adr/0051, addendum)."""
        rng = self.rng
        headed = rng.choices(self._statuses, cum_weights=self._status_weights)[0]
        if headed == Status.DRAFT:  # a quarter of the drafts were rejected and reopened
            path = WORKFLOW_PATHS[Status.DRAFT] if rng.random() < 0.25 else ()
        else:
            path = WORKFLOW_PATHS[headed]
        status, at, reviewed_at, reason = Status.DRAFT, created, None, ""
        for from_status, to_status, actor in path:
            later = at + HOUR * rng.uniform(1, 240)
            if later >= self.now:
                break
            at, status = later, to_status
            reason = rng.choice(REJECTION_REASONS) if to_status == Status.REJECTED else ""
            item.history.append((from_status, to_status, actor, at, reason))
            if actor == "reviewer" and reviewed_at is None:
                reviewed_at = at
        item.fields.update(
            status=status.value,
            created_at=created,
            updated_at=at,
            reviewed_at=reviewed_at,
            rejection_reason=reason if status == Status.REJECTED else "",
            version=1 + len(item.history),
        )
        return item

    def real_estates(self, count: int) -> Iterator[SeedRealEstate]:
        """`count` real estates created over the past year (up to an hour ago), oldest first, as
        production inserts them: the i-th at a uniform moment of the i-th of `count` equal
        slices of the year, so the times are uniform over the year and the table's physical
        order follows `created_at`, as a table written over time does (docs/adr/0051)."""
        first, span = self.now - SEED_SPAN, SEED_SPAN - HOUR
        for i in range(count):
            created = first + span * ((i + self.rng.random()) / count)
            item = self.with_history(self.real_estate(), created)
            item.fields["id"] = self.uuid()
            yield item


def api_payloads(count: int, seed: int) -> list[dict[str, Any]]:
    """Bodies for `POST /api/v1/real-estates` (the benchmark's create scenario)."""
    data = DemoData(seed, now=datetime.fromtimestamp(0).astimezone())
    address_fields = ADDRESS_FIELDS
    payloads = []
    for _ in range(count):
        f = data.real_estate().fields
        body = {k: f[k] for k in ("title", "description", "kind", "purpose", "bedrooms", "bathrooms",
                                  "parking_spaces")}  # fmt: skip
        body |= {"price": str(f["price"]), "area_m2": str(f["area_m2"])}
        # Decimals are JSON strings, coordinates JSON numbers: what the schema says (docs/adr/0022).
        body["address"] = {k: float(f[k]) if isinstance(f[k], Decimal) else f[k] for k in address_fields}
        payloads.append(body)
    return payloads


# --- photos ------------------------------------------------------------------------------

DEMO_PHOTO_COUNT = 6
WALL_COLOURS = (
    (236, 225, 200),
    (200, 215, 230),
    (240, 200, 180),
    (210, 230, 205),
    (245, 240, 235),
    (220, 200, 220),
)
ROOF_COLOURS = ((150, 60, 45), (90, 90, 100), (120, 80, 50), (60, 100, 70), (160, 90, 60), (80, 70, 110))


def demo_images(count: int = DEMO_PHOTO_COUNT) -> list[bytes]:
    """Small JPEG pictures of houses (640x480), always the same bytes: the demo's photos,
    stored once and shared by every real estate that shows them (content addressing)."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    pictures = []
    for i in range(count):
        image = Image.new("RGB", (640, 480), (135 + 8 * i, 190 + 5 * i, 235))
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 380, 640, 480), fill=(90, 150, 80))  # lawn
        left, right = 140 + 12 * i, 500 - 10 * i
        wall, roof = WALL_COLOURS[i % len(WALL_COLOURS)], ROOF_COLOURS[i % len(ROOF_COLOURS)]
        draw.rectangle((left, 220, right, 390), fill=wall, outline=(60, 60, 60), width=3)
        draw.polygon(((left - 30, 225), ((left + right) // 2, 110 + 6 * i), (right + 30, 225)), fill=roof)
        middle = (left + right) // 2
        draw.rectangle((middle - 28, 300, middle + 28, 390), fill=(110, 70, 40))  # door
        for x in (left + 30, right - 90):
            draw.rectangle((x, 250, x + 60, 300), fill=(180, 215, 240), outline=(255, 255, 255), width=4)
        buffer = BytesIO()
        image.save(buffer, format="JPEG", quality=85)
        pictures.append(buffer.getvalue())
    return pictures


def photo_choices(
    rng: random.Random, *, ever_submitted: bool, available: int, every: bool = False
) -> list[int]:
    """Which demo pictures a real estate shows, in order: one to three once it has been
    submitted (the services refuse to submit without a photo); sometimes none for a draft,
    unless `every` (the benchmark's data: every real estate shows one to three)."""
    if not every and not ever_submitted and rng.random() < 0.5:
        return []
    return rng.sample(range(available), rng.randint(1, min(3, available)))
