"""Text out of a PDF, for tests that check what a generated document says."""

import io
import re

from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    """Every page's text; word gaps, which pypdf sometimes renders as thin spaces depending
    on glyph positions, become plain spaces."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"[^\S\n]+", " ", text)
