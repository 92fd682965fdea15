"""Checked uploads: the type is decided by the file's content (not its name), size is limited.

Files are stored under MEDIA_ROOT with random names and are never served directly; a view checks
that the user may see the record the file belongs to and then streams it with `serve_protected`.
"""

from __future__ import annotations

import mimetypes
import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

IMAGE = "image"
PDF = "pdf"
OFFICE = "office"

# Magic numbers of what inspectors and enterprises upload: photos, PDFs, Office documents.
_SIGNATURES: list[tuple[str, bytes, str]] = [
    (IMAGE, b"\xff\xd8\xff", "jpg"),
    (IMAGE, b"\x89PNG\r\n\x1a\n", "png"),
    (IMAGE, b"GIF87a", "gif"),
    (IMAGE, b"GIF89a", "gif"),
    (PDF, b"%PDF-", "pdf"),
    (OFFICE, b"PK\x03\x04", "zip"),  # docx/xlsx are zip containers; checked further below
]


def sniff(head: bytes) -> tuple[str, str] | None:
    """(kind, extension) from the first bytes of a file, or None if it is nothing we accept."""
    for kind, magic, ext in _SIGNATURES:
        if head.startswith(magic):
            return kind, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return IMAGE, "webp"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return IMAGE, "heic"
    return None


def validate_upload(upload: Any, *, kinds: tuple[str, ...] = (IMAGE,), max_bytes: int | None = None) -> str:
    """Check an uploaded file; return the extension to store it under. Raises ValidationError."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size).1f MB; at most %(max).0f MB).")
            % {"size": upload.size / 1_048_576, "max": limit / 1_048_576},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(32)
    upload.seek(0)
    found = sniff(head)
    if found is None or found[0] not in kinds:
        allowed = {IMAGE: _("photos (JPEG, PNG, WebP, HEIC)"), PDF: "PDF", OFFICE: _("Word/Excel documents")}
        raise ValidationError(
            _("'%(name)s' is not an accepted file: upload %(allowed)s.")
            % {"name": PurePath(upload.name or "").name, "allowed": ", ".join(str(allowed[k]) for k in kinds)},
            code="bad_type",
        )
    kind, ext = found
    if kind == IMAGE and ext in ("jpg", "png", "gif", "webp"):
        _check_image(upload)
    if kind == OFFICE:
        original = PurePath(upload.name or "").suffix.lower().lstrip(".")
        ext = original if original in ("docx", "xlsx", "pptx") else "zip"
    return ext


def _pixel_limit() -> int:
    return int(getattr(settings, "UPLOAD_MAX_IMAGE_PIXELS", 40_000_000))


def _check_image(upload: Any) -> None:
    """Refuse a damaged image or one with more pixels than the limit, from its header, before decoding.

    A small PNG can declare 20,000 x 20,000 pixels: decoding it costs gigabytes and seconds, so the size
    is read from the header (Pillow's `open` is lazy) and checked before anything decodes the pixels.
    """
    from PIL import Image, UnidentifiedImageError

    limit = _pixel_limit()
    # Pillow's own guard, for any code path that decodes without asking us first.
    Image.MAX_IMAGE_PIXELS = limit
    try:
        with Image.open(upload) as image:
            width, height = image.size
            if width * height > limit:
                raise ValidationError(
                    _("The image is too large: %(width)d × %(height)d pixels; at most %(max)d megapixels.")
                    % {"width": width, "height": height, "max": limit // 1_000_000},
                    code="too_many_pixels",
                )
            image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("The image is too large: at most %(max)d megapixels.") % {"max": limit // 1_000_000},
            code="too_many_pixels",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("The image is damaged or not really an image."), code="bad_image") from exc
    finally:
        upload.seek(0)


def image_without_metadata(upload: Any, *, name: str = "photo") -> Any:
    """A checked photo re-encoded without its metadata (EXIF with GPS position, camera and owner, comments),
    its orientation applied, under a neutral name: for reports whose author must stay unknown.

    Formats Pillow cannot write back (HEIC) are returned unchanged.
    """
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageOps

    upload.seek(0)
    with Image.open(upload) as image:
        fmt = image.format
        if fmt not in ("JPEG", "PNG", "WEBP"):
            upload.seek(0)
            return upload
        cleaned = ImageOps.exif_transpose(image)
        if fmt == "JPEG" and cleaned.mode not in ("RGB", "L"):
            cleaned = cleaned.convert("RGB")
        out = io.BytesIO()
        # No exif/icc/pnginfo arguments: Pillow writes none of the original's metadata.
        cleaned.save(out, format=fmt, **({"quality": 90} if fmt in ("JPEG", "WEBP") else {}))
    ext = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[fmt]
    return SimpleUploadedFile(f"{name}.{ext}", out.getvalue(), content_type=f"image/{fmt.lower()}")


def random_upload_path(prefix: str, ext: str) -> str:
    """A storage name that reveals nothing and cannot collide: <prefix>/<yyyy>/<uuid>.<ext>."""
    from django.utils import timezone

    return f"{prefix}/{timezone.now():%Y}/{uuid.uuid4().hex}.{ext}"


def random_upload_name(prefix: str, filename: str) -> str:
    """`random_upload_path` keeping only the extension of `filename` ("bin" without one): what a model's
    `upload_to` returns. The services store under a random name with the checked extension already; this only
    guards a file saved directly."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return random_upload_path(prefix, ext)


def serve_protected(file_field: Any, *, download_name: str | None = None) -> FileResponse:
    """Stream a stored file after the caller has checked visibility. Never sniffed as HTML."""
    if not file_field:
        raise Http404
    try:
        handle = file_field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(file_field.name)[0] or "application/octet-stream"
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=content_type.startswith("application/"),
        filename=download_name or PurePath(file_field.name).name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, max-age=3600"
    return response
