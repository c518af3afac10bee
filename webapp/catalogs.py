"""The translations of the current request, found once (issue 15).

flask-babel looks the catalog up again for every string: the request globals twice, the
locale, its name, the cache (about 7 µs). A citizen's journey writes about 90 strings,
so the planner's domain keeps the catalog it found beside the locale it was found for, on
the same request globals flask-babel uses: `refresh()` and `force_locale()` change that
locale object, so the catalog is looked up again for the new one. Templates call it
directly (flask-babel's own template callables go through `get_domain()` first).
"""
from __future__ import annotations

from typing import Union

from babel.support import NullTranslations, Translations
from flask import Flask
from flask.globals import _cv_app
from flask_babel import Babel, Domain

Catalog = Union[Translations, NullTranslations]


class RequestCatalogs(Domain):
    """flask-babel's message domain, its catalog kept per request and locale."""

    def get_translations(self) -> Catalog:
        context = _cv_app.get(None)
        state = context.g.__dict__.get("_flask_babel") if context is not None else None
        if state is not None:
            kept = state.__dict__.get("planner_catalog")
            if kept is not None and kept[0] is state.__dict__.get("babel_locale"):
                return kept[1]  # type: ignore[no-any-return]
        translations: Catalog = super().get_translations()
        state = context.g.__dict__.get("_flask_babel") if context is not None else None
        if state is not None and state.__dict__.get("babel_locale") is not None:
            state.planner_catalog = (state.babel_locale, translations)
        return translations


def install(app: Flask, babel: Babel) -> None:
    """The planner's domain for Python code (`gettext`, `_l`) and templates (`_()`)."""
    domain = RequestCatalogs(domain=app.extensions["babel"].default_domain)
    babel.__dict__["domain_instance"] = domain  # flask-babel's cached_property
    catalog = domain.get_translations
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: catalog().ugettext(s),
        ngettext=lambda s, p, n: catalog().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalog().unpgettext(c, s, p, n),
    )
