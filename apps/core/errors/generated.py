"""Exception classes and field messages of the error catalog.

Generated from catalog.toml by `python manage.py generate_errors`. Do not edit.
"""

from apps.core.errors.base import ApiError, FieldMessage, catalog_message

__all__ = [
    "AuthenticationFailed",
    "BBOX_INVALID",
    "BBOX_REVERSED",
    "CEP_INVALID",
    "CPF_INVALID",
    "CannotChangeOwnAccount",
    "CpfAlreadyRegistered",
    "EmailAlreadyRegistered",
    "FIELD_NOT_ALLOWED",
    "INVALID_DATETIME",
    "IdempotencyKeyInvalid",
    "IdempotencyKeyRepeated",
    "IdempotencyKeyReused",
    "IdempotencyRequestInProgress",
    "InternalError",
    "InvalidCredentials",
    "LastActiveAdmin",
    "MalformedRequest",
    "MediaLinkInvalid",
    "MethodNotAllowed",
    "NAME_LENGTH",
    "NEAR_INVALID",
    "NotAcceptable",
    "NotAuthenticated",
    "NotFound",
    "ORDERING_DISTANCE_WITHOUT_NEAR",
    "OwnPasswordNeedsCurrent",
    "PAGE_INVALID",
    "PAGE_SIZE_INVALID",
    "PARAMETER_EMPTY",
    "PARAMETER_REPEATED",
    "PASSWORD_TOO_LONG",
    "PayloadTooLarge",
    "PermissionDenied",
    "PhotoFileRequired",
    "PhotoInvalidImage",
    "PhotoLimitReached",
    "PhotoNotFound",
    "PhotoTooLarge",
    "PhotoTooManyPixels",
    "PhotoUnsupportedType",
    "PhotoUploadQuotaExceeded",
    "PreconditionFailed",
    "RADIUS_INVALID",
    "RADIUS_WITHOUT_NEAR",
    "REJECTION_REASON_REQUIRED",
    "RealEstateCannotApprove",
    "RealEstateCannotArchive",
    "RealEstateCannotReject",
    "RealEstateCannotSubmit",
    "RealEstateCreateQuotaExceeded",
    "RealEstateNeedsPhoto",
    "RealEstateNotEditable",
    "RealEstateNotFound",
    "RequestHeadersTooLarge",
    "SEARCH_TOO_LONG",
    "SEARCH_TOO_MANY_TERMS",
    "SYNC_CURSOR_INVALID",
    "ServiceUnavailable",
    "SignUpDisabled",
    "StorageUnavailable",
    "SyncCursorExpired",
    "Throttled",
    "TokenInvalid",
    "UF_INVALID",
    "UnsupportedMediaType",
    "UriTooLong",
    "UserNotFound",
    "ValidationError",
    "WrongCurrentPassword",
]


class ValidationError(ApiError):
    code = 'VALIDATION_ERROR'
    status_code = 400
    default_message = catalog_message(
        en='The request has invalid fields.',
        pt_br='A requisição tem campos inválidos.',
    )


class MalformedRequest(ApiError):
    code = 'MALFORMED_REQUEST'
    status_code = 400
    default_message = catalog_message(
        en='The request could not be parsed (its body, query string or headers).',
        pt_br='Não foi possível interpretar a requisição (o corpo, a query string ou os cabeçalhos).',
    )


class NotAuthenticated(ApiError):
    code = 'NOT_AUTHENTICATED'
    status_code = 401
    default_message = catalog_message(
        en='Authentication credentials were not provided.',
        pt_br='As credenciais de autenticação não foram fornecidas.',
    )


class AuthenticationFailed(ApiError):
    code = 'AUTHENTICATION_FAILED'
    status_code = 401
    default_message = catalog_message(
        en='Authentication failed.',
        pt_br='Falha na autenticação.',
    )


class PermissionDenied(ApiError):
    code = 'PERMISSION_DENIED'
    status_code = 403
    default_message = catalog_message(
        en='You do not have permission to perform this action.',
        pt_br='Você não tem permissão para executar esta ação.',
    )


class NotFound(ApiError):
    code = 'NOT_FOUND'
    status_code = 404
    default_message = catalog_message(
        en='The requested resource was not found.',
        pt_br='O recurso solicitado não foi encontrado.',
    )


class MethodNotAllowed(ApiError):
    code = 'METHOD_NOT_ALLOWED'
    status_code = 405
    default_message = catalog_message(
        en='This method is not allowed on this resource.',
        pt_br='Este método não é permitido neste recurso.',
    )


class NotAcceptable(ApiError):
    code = 'NOT_ACCEPTABLE'
    status_code = 406
    default_message = catalog_message(
        en='The requested response format is not available.',
        pt_br='O formato de resposta solicitado não está disponível.',
    )


class PreconditionFailed(ApiError):
    code = 'PRECONDITION_FAILED'
    status_code = 412
    default_message = catalog_message(
        en='The resource has changed since you last read it; reload it and try again.',
        pt_br='O recurso mudou desde a última leitura; recarregue-o e tente novamente.',
    )


class PayloadTooLarge(ApiError):
    code = 'PAYLOAD_TOO_LARGE'
    status_code = 413
    default_message = catalog_message(
        en='The request body is too large.',
        pt_br='O corpo da requisição é grande demais.',
    )


class UriTooLong(ApiError):
    code = 'URI_TOO_LONG'
    status_code = 414
    default_message = catalog_message(
        en='The request address is too long.',
        pt_br='O endereço da requisição é longo demais.',
    )


class UnsupportedMediaType(ApiError):
    code = 'UNSUPPORTED_MEDIA_TYPE'
    status_code = 415
    default_message = catalog_message(
        en='This content type is not supported.',
        pt_br='Este tipo de conteúdo não é suportado.',
    )
    charset_message = catalog_message(
        en='A body is read as UTF-8 only; this one declares charset "{charset}".',
        pt_br='O corpo é lido somente em UTF-8; este declara o charset "{charset}".',
    )


class RequestHeadersTooLarge(ApiError):
    code = 'REQUEST_HEADERS_TOO_LARGE'
    status_code = 431
    default_message = catalog_message(
        en='The request headers are too large.',
        pt_br='Os cabeçalhos da requisição são grandes demais.',
    )


class IdempotencyKeyInvalid(ApiError):
    code = 'IDEMPOTENCY_KEY_INVALID'
    status_code = 400
    default_message = catalog_message(
        en='The Idempotency-Key header must be 1 to 255 visible ASCII characters other than the comma.',
        pt_br='O cabeçalho Idempotency-Key deve ter de 1 a 255 caracteres ASCII visíveis, exceto a vírgula.',
    )


class IdempotencyKeyRepeated(ApiError):
    code = 'IDEMPOTENCY_KEY_REPEATED'
    status_code = 400
    default_message = catalog_message(
        en='Send the Idempotency-Key header once, with one key (a comma separates two keys).',
        pt_br='Envie o cabeçalho Idempotency-Key uma única vez, com uma só chave (uma vírgula separa duas chaves).',
    )


class IdempotencyKeyReused(ApiError):
    code = 'IDEMPOTENCY_KEY_REUSED'
    status_code = 409
    default_message = catalog_message(
        en='This Idempotency-Key was already used with a different request.',
        pt_br='Esta Idempotency-Key já foi usada com uma requisição diferente.',
    )


class IdempotencyRequestInProgress(ApiError):
    code = 'IDEMPOTENCY_REQUEST_IN_PROGRESS'
    status_code = 409
    default_message = catalog_message(
        en='A request with this Idempotency-Key is still being processed.',
        pt_br='Uma requisição com esta Idempotency-Key ainda está sendo processada.',
    )


class Throttled(ApiError):
    code = 'THROTTLED'
    status_code = 429
    default_message = catalog_message(
        en='Too many requests; try again later.',
        pt_br='Muitas requisições; tente novamente mais tarde.',
    )


class InternalError(ApiError):
    code = 'INTERNAL_ERROR'
    status_code = 500
    default_message = catalog_message(
        en='An unexpected error occurred.',
        pt_br='Ocorreu um erro inesperado.',
    )


class ServiceUnavailable(ApiError):
    code = 'SERVICE_UNAVAILABLE'
    status_code = 503
    default_message = catalog_message(
        en='The service is temporarily unavailable; try again shortly.',
        pt_br='O serviço está temporariamente indisponível; tente novamente em instantes.',
    )


class InvalidCredentials(ApiError):
    code = 'INVALID_CREDENTIALS'
    status_code = 401
    default_message = catalog_message(
        en='CPF or password is incorrect.',
        pt_br='CPF ou senha incorretos.',
    )


class TokenInvalid(ApiError):
    code = 'TOKEN_INVALID'
    status_code = 401
    default_message = catalog_message(
        en='The token is invalid, expired or revoked.',
        pt_br='O token é inválido, expirou ou foi revogado.',
    )


class SignUpDisabled(ApiError):
    code = 'SIGN_UP_DISABLED'
    status_code = 403
    default_message = catalog_message(
        en='Sign-up is disabled.',
        pt_br='O cadastro está desativado.',
    )


class UserNotFound(ApiError):
    code = 'USER_NOT_FOUND'
    status_code = 404
    default_message = catalog_message(
        en='User not found.',
        pt_br='Usuário não encontrado.',
    )


class CpfAlreadyRegistered(ApiError):
    code = 'CPF_ALREADY_REGISTERED'
    status_code = 409
    default_message = catalog_message(
        en='A user with this CPF already exists.',
        pt_br='Já existe um usuário com este CPF.',
    )


class EmailAlreadyRegistered(ApiError):
    code = 'EMAIL_ALREADY_REGISTERED'
    status_code = 409
    default_message = catalog_message(
        en='A user with this email already exists.',
        pt_br='Já existe um usuário com este e-mail.',
    )


class WrongCurrentPassword(ApiError):
    code = 'WRONG_CURRENT_PASSWORD'
    status_code = 400
    default_message = catalog_message(
        en='The current password is incorrect.',
        pt_br='A senha atual está incorreta.',
    )


class CannotChangeOwnAccount(ApiError):
    code = 'CANNOT_CHANGE_OWN_ACCOUNT'
    status_code = 409
    default_message = catalog_message(
        en='Administrators cannot demote, deactivate or delete their own account; another administrator must do it.',
        pt_br='Administradores não podem rebaixar, desativar nem excluir a própria conta; outro administrador deve fazê-lo.',
    )


class OwnPasswordNeedsCurrent(ApiError):
    code = 'OWN_PASSWORD_NEEDS_CURRENT'
    status_code = 409
    default_message = catalog_message(
        en='Change your own password with your current one: POST /api/v1/users/me/password, or the admin\'s "Change password" page.',
        pt_br='Altere a sua própria senha informando a senha atual: POST /api/v1/users/me/password, ou a página "Alterar senha" do admin.',
    )


class LastActiveAdmin(ApiError):
    code = 'LAST_ACTIVE_ADMIN'
    status_code = 409
    default_message = catalog_message(
        en="This is the last active administrator who can sign in: promote or reactivate another administrator, or restore another administrator's password, first.",
        pt_br='Este é o último administrador ativo que pode entrar: promova ou reative outro administrador, ou restaure a senha de outro administrador, antes.',
    )


class RealEstateNotFound(ApiError):
    code = 'REAL_ESTATE_NOT_FOUND'
    status_code = 404
    default_message = catalog_message(
        en='Real estate not found.',
        pt_br='Imóvel não encontrado.',
    )


class RealEstateNotEditable(ApiError):
    code = 'REAL_ESTATE_NOT_EDITABLE'
    status_code = 409
    default_message = catalog_message(
        en='This real estate can only be changed while it is a draft or rejected.',
        pt_br='Este imóvel só pode ser alterado enquanto estiver em rascunho ou rejeitado.',
    )


class RealEstateCannotSubmit(ApiError):
    code = 'REAL_ESTATE_CANNOT_SUBMIT'
    status_code = 409
    default_message = catalog_message(
        en='Only a draft real estate can be submitted.',
        pt_br='Somente um imóvel em rascunho pode ser enviado.',
    )


class RealEstateNeedsPhoto(ApiError):
    code = 'REAL_ESTATE_NEEDS_PHOTO'
    status_code = 409
    default_message = catalog_message(
        en='A real estate needs at least one photo before it is submitted.',
        pt_br='O imóvel precisa de pelo menos uma foto antes de ser enviado.',
    )


class RealEstateCannotApprove(ApiError):
    code = 'REAL_ESTATE_CANNOT_APPROVE'
    status_code = 409
    default_message = catalog_message(
        en='Only a submitted real estate can be approved.',
        pt_br='Somente um imóvel enviado pode ser aprovado.',
    )


class RealEstateCannotReject(ApiError):
    code = 'REAL_ESTATE_CANNOT_REJECT'
    status_code = 409
    default_message = catalog_message(
        en='Only a submitted real estate can be rejected.',
        pt_br='Somente um imóvel enviado pode ser rejeitado.',
    )


class RealEstateCannotArchive(ApiError):
    code = 'REAL_ESTATE_CANNOT_ARCHIVE'
    status_code = 409
    default_message = catalog_message(
        en='Only an approved real estate can be archived.',
        pt_br='Somente um imóvel aprovado pode ser arquivado.',
    )


class PhotoNotFound(ApiError):
    code = 'PHOTO_NOT_FOUND'
    status_code = 404
    default_message = catalog_message(
        en='Photo not found.',
        pt_br='Foto não encontrada.',
    )


class PhotoFileRequired(ApiError):
    code = 'PHOTO_FILE_REQUIRED'
    status_code = 400
    default_message = catalog_message(
        en="Send the photo as a multipart field named 'file'.",
        pt_br="Envie a foto em um campo multipart chamado 'file'.",
    )


class PhotoTooLarge(ApiError):
    code = 'PHOTO_TOO_LARGE'
    status_code = 413
    default_message = catalog_message(
        en='The photo is larger than the allowed size.',
        pt_br='A foto é maior que o tamanho permitido.',
    )


class PhotoUnsupportedType(ApiError):
    code = 'PHOTO_UNSUPPORTED_TYPE'
    status_code = 415
    default_message = catalog_message(
        en='Only JPEG, PNG and WebP photos are accepted.',
        pt_br='Somente fotos JPEG, PNG e WebP são aceitas.',
    )


class PhotoInvalidImage(ApiError):
    code = 'PHOTO_INVALID_IMAGE'
    status_code = 400
    default_message = catalog_message(
        en='The file is not a readable image.',
        pt_br='O arquivo não é uma imagem legível.',
    )


class PhotoTooManyPixels(ApiError):
    code = 'PHOTO_TOO_MANY_PIXELS'
    status_code = 400
    default_message = catalog_message(
        en='The image has more pixels than allowed.',
        pt_br='A imagem tem mais pixels do que o permitido.',
    )


class PhotoLimitReached(ApiError):
    code = 'PHOTO_LIMIT_REACHED'
    status_code = 409
    default_message = catalog_message(
        en='This real estate already has the maximum number of photos.',
        pt_br='Este imóvel já tem o número máximo de fotos.',
    )


class MediaLinkInvalid(ApiError):
    code = 'MEDIA_LINK_INVALID'
    status_code = 403
    default_message = catalog_message(
        en='This media link is invalid or has expired.',
        pt_br='Este link de mídia é inválido ou expirou.',
    )


class StorageUnavailable(ApiError):
    code = 'STORAGE_UNAVAILABLE'
    status_code = 503
    default_message = catalog_message(
        en='File storage is temporarily unavailable; try again shortly.',
        pt_br='O armazenamento de arquivos está temporariamente indisponível; tente novamente em instantes.',
    )


class PhotoUploadQuotaExceeded(ApiError):
    code = 'PHOTO_UPLOAD_QUOTA_EXCEEDED'
    status_code = 429
    default_message = catalog_message(
        en='You have uploaded too many photos in a short time; try again later.',
        pt_br='Você enviou fotos demais em pouco tempo; tente novamente mais tarde.',
    )


class RealEstateCreateQuotaExceeded(ApiError):
    code = 'REAL_ESTATE_CREATE_QUOTA_EXCEEDED'
    status_code = 429
    default_message = catalog_message(
        en='You have created too many real estates in a short time; try again later.',
        pt_br='Você cadastrou imóveis demais em pouco tempo; tente novamente mais tarde.',
    )


class SyncCursorExpired(ApiError):
    code = 'SYNC_CURSOR_EXPIRED'
    status_code = 410
    default_message = catalog_message(
        en='This sync cursor has expired; sync again from the beginning (without a cursor).',
        pt_br='Este cursor de sincronização expirou; sincronize novamente desde o início (sem cursor).',
    )


SYNC_CURSOR_INVALID = FieldMessage(
    code='sync_cursor_invalid',
    message=catalog_message(
        en='This is not a sync cursor issued to you; send the next_cursor of your last sync, or none.',
        pt_br='Este não é um cursor de sincronização emitido para você; envie o next_cursor da última sincronização, ou nenhum.',
    ),
)

CPF_INVALID = FieldMessage(
    code='cpf_invalid',
    message=catalog_message(
        en='Enter a valid CPF (11 digits with valid check digits).',
        pt_br='Informe um CPF válido (11 dígitos com dígitos verificadores válidos).',
    ),
)

NAME_LENGTH = FieldMessage(
    code='name_length',
    message=catalog_message(
        en='The name must have between 4 and 150 characters.',
        pt_br='O nome deve ter entre 4 e 150 caracteres.',
    ),
)

PASSWORD_TOO_LONG = FieldMessage(
    code='password_too_long',
    message=catalog_message(
        en='A password may have at most {limit} characters.',
        pt_br='Uma senha pode ter no máximo {limit} caracteres.',
    ),
)

FIELD_NOT_ALLOWED = FieldMessage(
    code='field_not_allowed',
    message=catalog_message(
        en='This field cannot be set here.',
        pt_br='Este campo não pode ser definido aqui.',
    ),
)

PARAMETER_EMPTY = FieldMessage(
    code='parameter_empty',
    message=catalog_message(
        en='This parameter cannot be empty; leave it out instead.',
        pt_br='Este parâmetro não pode ser vazio; omita-o.',
    ),
)

PARAMETER_REPEATED = FieldMessage(
    code='parameter_repeated',
    message=catalog_message(
        en='Send this parameter only once.',
        pt_br='Envie este parâmetro uma única vez.',
    ),
)

PAGE_INVALID = FieldMessage(
    code='page_invalid',
    message=catalog_message(
        en='Enter a page number: a whole number from 1.',
        pt_br='Informe o número da página: um número inteiro a partir de 1.',
    ),
)

PAGE_SIZE_INVALID = FieldMessage(
    code='page_size_invalid',
    message=catalog_message(
        en='Enter a page size: a whole number from 1 to {limit}.',
        pt_br='Informe o tamanho da página: um número inteiro de 1 a {limit}.',
    ),
)

CEP_INVALID = FieldMessage(
    code='cep_invalid',
    message=catalog_message(
        en='Enter a valid CEP (8 digits).',
        pt_br='Informe um CEP válido (8 dígitos).',
    ),
)

UF_INVALID = FieldMessage(
    code='uf_invalid',
    message=catalog_message(
        en='Enter one of the 27 Brazilian state codes (UF).',
        pt_br='Informe uma das 27 siglas de estado (UF).',
    ),
)

SEARCH_TOO_LONG = FieldMessage(
    code='search_too_long',
    message=catalog_message(
        en='A search may have at most {limit} characters.',
        pt_br='Uma busca pode ter no máximo {limit} caracteres.',
    ),
)

SEARCH_TOO_MANY_TERMS = FieldMessage(
    code='search_too_many_terms',
    message=catalog_message(
        en='A search may have at most {limit} words of two or more characters.',
        pt_br='Uma busca pode ter no máximo {limit} palavras de dois ou mais caracteres.',
    ),
)

INVALID_DATETIME = FieldMessage(
    code='invalid_datetime',
    message=catalog_message(
        en='Enter a date (YYYY-MM-DD) or an ISO 8601 datetime.',
        pt_br='Informe uma data (AAAA-MM-DD) ou uma data e hora ISO 8601.',
    ),
)

NEAR_INVALID = FieldMessage(
    code='near_invalid',
    message=catalog_message(
        en='Enter a point as latitude,longitude in decimal degrees: latitude from -90 to 90, longitude from -180 to 180.',
        pt_br='Informe um ponto como latitude,longitude em graus decimais: latitude de -90 a 90, longitude de -180 a 180.',
    ),
)

RADIUS_INVALID = FieldMessage(
    code='radius_invalid',
    message=catalog_message(
        en='Enter a radius in kilometres, greater than 0 and at most {limit}.',
        pt_br='Informe um raio em quilômetros, maior que 0 e no máximo {limit}.',
    ),
)

RADIUS_WITHOUT_NEAR = FieldMessage(
    code='radius_without_near',
    message=catalog_message(
        en='A radius needs a point (near).',
        pt_br='Um raio precisa de um ponto (near).',
    ),
)

BBOX_INVALID = FieldMessage(
    code='bbox_invalid',
    message=catalog_message(
        en='Enter a box as min_lng,min_lat,max_lng,max_lat in decimal degrees: latitudes from -90 to 90, longitudes from -180 to 180.',
        pt_br='Informe uma caixa como min_lng,min_lat,max_lng,max_lat em graus decimais: latitudes de -90 a 90, longitudes de -180 a 180.',
    ),
)

BBOX_REVERSED = FieldMessage(
    code='bbox_reversed',
    message=catalog_message(
        en="A box's minimum longitude and latitude may not exceed its maximum ones (a box across the antimeridian is not supported: split it).",
        pt_br='A longitude e a latitude mínimas da caixa não podem exceder as máximas (uma caixa que cruza o antimeridiano não é aceita: divida-a).',
    ),
)

ORDERING_DISTANCE_WITHOUT_NEAR = FieldMessage(
    code='ordering_distance_without_near',
    message=catalog_message(
        en='Ordering by distance needs a point (near).',
        pt_br='Ordenar por distância precisa de um ponto (near).',
    ),
)

REJECTION_REASON_REQUIRED = FieldMessage(
    code='rejection_reason_required',
    message=catalog_message(
        en='A rejection needs a reason.',
        pt_br='Uma rejeição precisa de um motivo.',
    ),
)
