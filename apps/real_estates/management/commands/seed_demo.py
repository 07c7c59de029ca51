"""`manage.py seed_demo`: demo users of every role and real estates in every status, with history
and photos (every real estate ever submitted has at least one, as the services require; six small
pictures stored once, thumbnails made, shared by content address).

Meant for 1M real estates in under five minutes (docs/adr/0051): rows are generated in
memory (apps/real_estates/seeding.py) and written in batches, with COPY on PostgreSQL and
bulk_create elsewhere; a bulk load creates the secondary indexes and foreign keys after the
rows are in rather than updating and checking them per row; the shared demo password is
hashed once (Argon2 costs ~50 ms a hash) and the digest reused; search_text is computed with
the normaliser the services use. No per-row query; one transaction, so a failed run leaves
nothing behind. `--photos every` (what `make bench` seeds) gives every real estate 1-3
photos, drafts never submitted included.

It writes around the services on purpose: a fixture loader, not anyone's action, so it records
no audit event. Meant for an empty or demo database (docs/architecture.md, "Paths that write").
"""

import io
import random
import sys
from argparse import ArgumentTypeError, BooleanOptionalAction
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from itertools import accumulate, batched
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from tqdm import tqdm

from apps.core import errors
from apps.core.management.busy_sqlite import WriteLockedChecksCommand
from apps.core.management.output import silence_stdout
from apps.media import images, storage
from apps.media.models import Blob, Photo, ThumbnailState
from apps.media.services import blob_generate_thumbnails
from apps.real_estates.models import RealEstate, RealEstateTransition
from apps.real_estates.seeding import DemoData, demo_images, photo_choices
from apps.sync.models import ChangeKind, RealEstateChange
from apps.sync.services import sync_transaction_xid
from apps.users.cpf import format_cpf, is_valid_cpf
from apps.users.models import Role, User

DEMO_PASSWORD = "vivenda-demo-2026"  # noqa: S105 (printed on purpose: demo accounts only)
MIN_USERS = 3  # one of each role
PHOTO_MODES = ("submitted", "every")
# From this many new real estates, and more than the table holds, the foreign keys and
# secondary indexes are dropped and created again after the load (PostgreSQL's advice).
REBUILD_INDEXES_FROM = 50_000
BULK_TABLES = (RealEstate, RealEstateTransition, Photo)


@contextmanager
def built_after_load(models: tuple[type[Model], ...]) -> Iterator[None]:
    """PostgreSQL's advice for bulk loads: drops the tables' foreign keys and secondary indexes
    (neither primary nor unique: those keep guarding the load), lets the block write the rows,
    then creates them again from their own definitions: one sort per index instead of an
    index update per row (the trigram GIN above all), and one validating join per foreign key
    instead of a check per row. Inside the caller's transaction, so a failure leaves every
    index and constraint as it was."""
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE t.relname = ANY(%s) AND n.nspname = current_schema()
              AND NOT x.indisprimary AND NOT x.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            JOIN pg_class t ON t.oid = c.conrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE c.contype = 'f' AND t.relname = ANY(%s) AND n.nspname = current_schema()
            """,
            [tables],
        )
        foreign_keys = cursor.fetchall()
        quote = connection.ops.quote_name
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        # Deferred checks of rows written before (the accounts) run now rather than at commit:
        # PostgreSQL alters no table with trigger events pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class RowWriter:
    """Inserts rows given as `{attname: value}` dicts: COPY on PostgreSQL, bulk_create elsewhere.

    COPY skips building a model instance and an INSERT statement per row, which is most of
    bulk_create's cost at this size; values go through psycopg's adapters (UUID, Decimal,
    aware datetimes) exactly as in an INSERT. Fields a row leaves out take their defaults;
    auto-increment primary keys are left to the database.
    """

    def __init__(self, model: type[Model], *, copy: bool | None = None) -> None:
        self.model = model
        self.copy = connection.vendor == "postgresql" if copy is None else copy
        self.fields = [f for f in model._meta.concrete_fields if not f.db_returning]  # not auto ids
        # Called per row, so callable defaults (uuid4, timezone.now) give each row its own value.
        self.defaults = {f.attname: f.get_default for f in self.fields if f.has_default()}
        ops = connection.ops
        columns = ", ".join(ops.quote_name(str(f.column)) for f in self.fields)
        self.copy_sql = f"COPY {ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"

    def write(self, rows: list[dict[str, Any]]) -> None:
        if not self.copy:
            self.model._default_manager.bulk_create([self.model(**row) for row in rows])
            return
        attnames = [f.attname for f in self.fields]
        defaults = self.defaults
        none = lambda: None  # noqa: E731 (nullable columns with no default)
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,  # psycopg's errors as Django's, as in an INSERT
            cursor.cursor.copy(self.copy_sql) as copy,
        ):
            for row in rows:
                copy.write_row([row[a] if a in row else defaults.get(a, none)() for a in attnames])


def _existing(column: QuerySet[User, str], lookup: str, values: list[str]) -> set[str]:
    """Which of `values` `column` holds, asked a statement's worth of parameters at a time: SQLite
    takes at most `max_query_params` (250,000 in Debian's build, 32,766 in SQLite's own) and
    `--users` may ask about more."""
    size = connection.features.max_query_params or max(1, len(values))
    chunks = batched(values, size, strict=False)
    return {found for chunk in chunks for found in column.filter(**{lookup: chunk})}


def _seed(value: str) -> int:
    """A seed from 0: Python seeds its generator with a whole number's absolute value, so
    `--seed -1` drew the very data of `--seed 1`."""
    try:
        seed = int(value)
    except ValueError:
        seed = -1
    if seed < 0:
        raise ArgumentTypeError(f"must be a whole number from 0, not {value!r}")
    return seed


class Command(WriteLockedChecksCommand):
    help = (
        "Create demo users (every role) and real estates (every status, with history); prints the accounts. "
        "For an empty or demo database: it bulk-inserts around the services and records no audit event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--users", type=int, default=20, help="accounts to create (default 20; at least 3)"
        )
        parser.add_argument(
            "--real-estates", type=int, default=1000, help="real estates to create (default 1000)"
        )
        parser.add_argument(
            "--seed", type=_seed, default=None, help="a whole number from 0: makes the data deterministic"
        )
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help="password shared by every demo account (the password validators apply)",
        )
        parser.add_argument("--batch-size", type=int, default=2000, help="rows per INSERT (default 2000)")
        parser.add_argument(
            "--rebuild-indexes",
            action=BooleanOptionalAction,
            default=None,
            help="PostgreSQL: drop the foreign keys and secondary indexes of the real estates, "
            "their history and photos before the load and create them after (default: when adding at least "
            f"{REBUILD_INDEXES_FROM} real estates, more than the table holds)",
        )
        parser.add_argument(
            "--photos",
            choices=PHOTO_MODES,
            default="submitted",
            help="which real estates show 1-3 of the shared demo photos: every one ever submitted "
            "and half the drafts never submitted (`submitted`, the default), or every one (`every`: "
            "what `make bench` seeds)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        users, estates, batch = options["users"], options["real_estates"], options["batch_size"]
        if users < MIN_USERS:
            raise CommandError(
                f"--users must be at least {MIN_USERS} (one admin, one manager, one collector)."
            )
        if estates < 0 or batch < 1:
            raise CommandError("--real-estates must be >= 0 and --batch-size >= 1.")
        try:  # the validators every path that sets a password keeps: one the sign-in takes
            password_validation.validate_password(options["password"])
        except ValidationError as exc:
            raise CommandError(f"--password: {' '.join(exc.messages)}") from exc
        # Midnight today: the same seed gives the same data all day long.
        now = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
        data = DemoData(options["seed"], now=now)
        # Before the transaction, as an upload does (storage I/O outside it): content-addressed,
        # so a failed or repeated run reuses them.
        try:
            blobs = self.create_demo_blobs() if estates else []
        except errors.ApiError as error:  # the storage unreachable: no row written yet
            raise CommandError(f"{error.code}: {error.message}") from error
        try:
            with transaction.atomic():
                accounts = self.create_users(data, users, options["password"])
                rebuild = options["rebuild_indexes"]
                if rebuild is None:
                    rebuild = estates >= REBUILD_INDEXES_FROM and estates > RealEstate.objects.count()
                loading = (
                    built_after_load(BULK_TABLES)
                    if rebuild and connection.vendor == "postgresql"
                    else nullcontext()
                )
                with loading:
                    self.create_real_estates(
                        data,
                        accounts,
                        estates,
                        batch,
                        blobs=blobs,
                        seed=options["seed"],
                        every_photo=options["photos"] == "every",
                    )
        except IntegrityError as exc:
            # Only a re-run with the same --seed on the same database collides (same UUIDs).
            raise CommandError(
                "The database already holds rows made with this --seed; "
                "use another seed or an empty database."
            ) from exc
        if options["verbosity"] > 0:
            try:
                self.report(accounts, estates, options["password"])
            except BrokenPipeError:
                # The reader went away (`seed_demo | head`): the rows are committed, so stop
                # listing them quietly, as Unix tools do, rather than fail a run that succeeded.
                silence_stdout()

    def create_users(self, data: DemoData, count: int, password: str) -> list[User]:
        admins = max(1, count // 20)
        managers = max(1, count // 8)
        roles = (
            [Role.ADMIN] * admins + [Role.MANAGER] * managers + [Role.COLLECTOR] * (count - admins - managers)
        )
        digest = make_password(password)  # once: every account shares it
        cpfs: list[str] = []
        seen: set[str] = set()
        while len(cpfs) < count:  # one query per round; a second round only if a CPF is taken
            fresh: list[str] = []
            while len(cpfs) + len(fresh) < count:
                cpf = data.cpf()
                if cpf not in seen and is_valid_cpf(cpf):
                    seen.add(cpf)
                    fresh.append(cpf)
            taken = _existing(User.objects.values_list("cpf", flat=True), "cpf__in", fresh)
            cpfs += [cpf for cpf in fresh if cpf not in taken]
        names = [data.name() for _ in cpfs]
        emails = [data.email(name, cpf) for name, cpf in zip(names, cpfs, strict=True)]  # lower case
        # Unique in any case (users_email_ci_unique): an address another account has, or one drawn
        # twice here (same first and last names, same last four CPF digits), is left out, as an
        # e-mail is optional.
        used = _existing(
            User.objects.annotate(email_ci=Lower("email")).values_list("email_ci", flat=True),
            "email_ci__in",
            emails,
        )
        free: list[str | None] = []
        for email in emails:
            free.append(None if email in used else email)
            used.add(email)
        accounts = [
            User(
                id=data.uuid(),
                cpf=cpf,
                name=name,
                role=role,
                password=digest,
                email=email,
                date_joined=data.now,
            )
            for role, cpf, name, email in zip(roles, cpfs, names, free, strict=True)
        ]
        return User.objects.bulk_create(accounts)

    def create_demo_blobs(self) -> list[Blob]:
        """The demo pictures as blobs with their thumbnails ready, stored once."""
        blobs = []
        for picture in demo_images():
            normalised = images.normalise(
                io.BytesIO(picture),
                max_pixels=settings.MEDIA_MAX_PIXELS,
                max_decode_bytes=settings.MEDIA_DECODE_MAX_BYTES,
            )
            key = storage.blob_key(normalised.sha256, normalised.extension)
            if not storage.object_exists(key):
                storage.put_object(key, normalised.data)
            blob, _ = Blob.objects.get_or_create(
                sha256=normalised.sha256,
                defaults={
                    "key": key,
                    "size": len(normalised.data),
                    "content_type": normalised.content_type,
                    "width": normalised.width,
                    "height": normalised.height,
                },
            )
            if blob.thumbnail_state != ThumbnailState.READY or not storage.object_exists(
                blob.thumbnail_256_key
            ):
                blob = blob_generate_thumbnails(blob_id=blob.pk, force=True) or blob
            blobs.append(blob)
        return blobs

    def create_real_estates(
        self,
        data: DemoData,
        accounts: list[User],
        count: int,
        batch: int,
        *,
        blobs: list[Blob],
        seed: int | None,
        every_photo: bool = False,
    ) -> None:
        collectors = [u.pk for u in accounts if u.role == Role.COLLECTOR]
        names = {u.pk: u.name for u in accounts}
        reviewers = [u.pk for u in accounts if u.role in (Role.MANAGER, Role.ADMIN)]
        # A few collectors do most of the field work.
        # Cumulative weights, summed once rather than by `choices` for every row (same draws).
        weights = list(accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(collectors))))
        rng = data.rng
        # Its own generator: adding photos leaves the rest of a seed's data as it was.
        photo_rng = random.Random(None if seed is None else seed + 1)  # noqa: S311 (demo data)
        estates_writer, transitions_writer = RowWriter(RealEstate), RowWriter(RealEstateTransition)
        photos_writer = RowWriter(Photo)
        changes_writer, xid = RowWriter(RealEstateChange), sync_transaction_xid()  # offline clients' sync log
        progress = tqdm(total=count, unit="real estate", disable=not sys.stderr.isatty(), file=sys.stderr)
        for chunk in batched(data.real_estates(count), batch, strict=False):
            estates: list[dict[str, Any]] = []
            transitions: list[dict[str, Any]] = []
            photos: list[dict[str, Any]] = []
            for item in chunk:
                actors = {
                    "collector": rng.choices(collectors, cum_weights=weights)[0],
                    "reviewer": rng.choice(reviewers),
                }
                fields = item.fields
                fields["collected_by_id"] = actors["collector"]
                fields["collected_by_name"] = names[actors["collector"]]
                fields["reviewed_by_id"] = actors["reviewer"] if fields["reviewed_at"] else None
                shown = (
                    [
                        blobs[i]
                        for i in photo_choices(
                            photo_rng,
                            ever_submitted=bool(item.history),
                            available=len(blobs),
                            every=every_photo,
                        )
                    ]
                    if blobs
                    else []
                )
                fields["photo_count"] = len(shown)
                fields["cover_blob_id"] = shown[0].pk if shown else None
                fields["cover_key"] = shown[0].thumbnail_256_key if shown else None
                photos.extend(
                    {
                        "real_estate_id": fields["id"],
                        "blob_id": blob.pk,
                        "position": position,
                        "uploaded_by_id": actors["collector"],
                        "created_at": fields["created_at"],
                    }
                    for position, blob in enumerate(shown)
                )
                estates.append(fields)
                transitions.extend(
                    {
                        "real_estate_id": fields["id"],
                        "from_status": from_status,
                        "to_status": to_status,
                        "actor_id": actors[actor],
                        "at": at,
                        "reason": reason,
                    }
                    for from_status, to_status, actor, at, reason in item.history
                )
            estates_writer.write(estates)
            transitions_writer.write(transitions)
            photos_writer.write(photos)
            changes_writer.write(
                [
                    {
                        "xid": xid,
                        "real_estate_id": e["id"],
                        "collected_by_id": e["collected_by_id"],
                        "kind": ChangeKind.UPSERT,
                    }
                    for e in estates
                ]
            )
            progress.update(len(estates))
        progress.close()

    def report(self, accounts: list[User], estates: int, password: str) -> None:
        self.stdout.write(self.style.SUCCESS(f"Created {len(accounts)} accounts and {estates} real estates."))
        self.stdout.write(f"Every account's password: {password}\n")
        self.stdout.write(f"  {'role':<10} {'CPF':<15} name")
        for user in sorted(accounts, key=lambda u: (list(Role).index(Role(u.role)), u.name)):
            self.stdout.write(f"  {user.role:<10} {format_cpf(user.cpf):<15} {user.name}")
