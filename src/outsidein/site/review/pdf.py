"""The review as a PDF: its HTML rendered by WeasyPrint, which draws the same inline SVG charts the pages show.

WeasyPrint lays text out with Pango, a system library (Debian's libpango-1.0-0 and libpangoft2-1.0-0, which
`make` installs); it is imported when a review is asked for, so the rest of the product runs without it.
"""

from django.template.loader import render_to_string

from outsidein.site.review.contents import Review


class RendererMissing(RuntimeError):
    """WeasyPrint or the Pango library it needs is not installed; the message says what to install."""


def review_html(review: Review) -> str:
    return render_to_string("site/review.html", {"r": review})


def review_pdf(review: Review) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # OSError: the Python package is there, Pango is not
        raise RendererMissing(
            "Making a PDF needs WeasyPrint and the Pango library: run `make` (it installs both), or "
            f"`apt-get install libpango-1.0-0 libpangoft2-1.0-0` and `pip install weasyprint` ({error})."
        ) from error
    document: bytes = HTML(string=review_html(review)).write_pdf()
    return document
