"""How every configuration screen answers, with htmx or without.

With htmx a row opens into its form, and once saved swaps back (with a word that it was
saved); a new item answers the whole list. Without htmx the same URLs serve whole pages and
redirect back to the list, at the row, with the message flashed. An `InPlace` names one
screen's templates and list page; `save_form` runs the domain change for a valid form and
commits it, or shows the domain's refusal under the field it names.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Optional, Self, TypeVar

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from ...extensions import db
from ...formatting import localized
from ...htmx import is_htmx, page_or_fragment, retarget, trigger
from ...organization import Refused
from ...organization.ordering import ordered
from .fields import ConfigForm

T = TypeVar("T")
CREATED = "config/_created.html"


@dataclass(frozen=True)
class InPlace:
    """One configuration screen: `name` prefixes its ids (`service-3`, `service-new`,
    `services-list`) and anchors; `endpoint` is its list page. `row` is one item, `form` the
    item's form as a fragment, `page` that form as a whole page, `listing` the whole list.
    `events` are fired (HX-Trigger) each time an item is saved."""
    name: str
    endpoint: str
    row: str
    form: str
    page: str
    listing: str = ""
    refused_status: int = 422
    events: tuple[str, ...] = ()

    @classmethod
    def under(cls, folder: str, name: str, endpoint: str, **options: Any) -> Self:
        """A screen whose templates are `<folder>/_row.html`, `_form.html`, `form.html` and
        `_list.html`."""
        return cls(name, endpoint, f"{folder}/_row.html", f"{folder}/_form.html",
                   f"{folder}/form.html", f"{folder}/_list.html", **options)

    def list_url(self, key: Any = None, **values: Any) -> str:
        """The list page, at one item's row when `key` (its id) is given."""
        anchor = f"{self.name}-{key}" if key is not None else None
        return url_for(self.endpoint, _anchor=anchor, **values)

    def form_answer(self, **context: Any) -> Response:
        """The form, page or fragment; a refused post answers `refused_status` to a plain
        browser (htmx swaps only 2xx answers)."""
        form = context.get("form")
        refused = bool(form is not None and (form.errors or getattr(form, "refused", False)))
        status = self.refused_status if request.method == "POST" and refused and not is_htmx() \
            else 200
        return page_or_fragment(self.page, self.form, status=status, **context)

    def saved(self, message: str, list_url: str, *, error: bool = False,
              target: Optional[str] = None, events: tuple[str, ...] = (),
              **context: Any) -> Response:
        """After a change (or a refused one, `error`): htmx gets the row back with the
        message, swapped at `target` when the request came from elsewhere (a dialog); a
        plain browser goes to `list_url` with the message flashed."""
        if not is_htmx():
            flash(message, "error" if error else "success")
            return redirect(list_url)
        response = page_or_fragment(self.row, self.row, notice=message, notice_error=error,
                                    **context)
        if not error and (self.events or events):
            trigger(response, *self.events, *events)
        return retarget(response, target) if target else response

    def created(self, message: str, list_url: str, **context: Any) -> Response:
        """After a creation: htmx gets the whole list (the new item marked) in place of the
        list, and the "new" form is emptied; a plain browser goes to the list."""
        if not is_htmx():
            flash(message, "success")
            return redirect(list_url)
        response = page_or_fragment(CREATED, CREATED, listing=self.listing,
                                    new_id=f"{self.name}-new", **context)
        return retarget(response, f"#{self.name}s-list")

    def listed(self, list_url: str, message: Optional[str] = None, **context: Any) -> Response:
        """After a move or a removal: htmx gets the whole list; a plain browser goes to it."""
        if is_htmx():
            return page_or_fragment(self.listing, self.listing, **context)
        if message:
            flash(message, "success")
        return redirect(list_url)

    def row_or_list(self, list_url: str, **context: Any) -> Response:
        """One row for htmx (an edit cancelled); the list, at that row, for a plain request."""
        if is_htmx():
            return page_or_fragment(self.row, self.row, **context)
        return redirect(list_url)


@dataclass(frozen=True)
class OrderedList(InPlace):
    """A list whose items keep an order and are switched on and off (services, locations):
    its rows, order buttons and switches answer alike. The row template names one item
    `<name>`, the list `<name>s`; `move` and `set_active` are the domain's functions, the
    messages take the item's `%(name)s`."""
    model: Any = None
    move: Callable[[Any, int], bool] = lambda item, step: False
    set_active: Callable[[Any, bool], None] = lambda item, active: None
    active_message: Any = ""
    inactive_message: Any = ""

    def items(self) -> list[Any]:
        return ordered(self.model)

    def shown(self, item_id: int) -> Response:
        """One item's row (an edit cancelled)."""
        item = db.get_or_404(self.model, item_id)
        return self.row_or_list(self.list_url(item.id), **{self.name: item})

    def moved(self, item_id: int) -> Response:
        """Move an item one place up or down; answer the list."""
        item = db.get_or_404(self.model, item_id)
        self.move(item, direction())
        db.session.commit()
        listing: dict[str, Any] = {f"{self.name}s": self.items()}
        return self.listed(self.list_url(item.id), **listing)

    def switched(self, item_id: int) -> Response:
        """Switch an item on or off; answer its row."""
        item = db.get_or_404(self.model, item_id)
        self.set_active(item, switch())
        db.session.commit()
        message = self.active_message if item.active else self.inactive_message
        return self.saved(str(message) % {"name": localized(item, "name")},
                          self.list_url(item.id), **{self.name: item})


def save_form(form: ConfigForm, change: Callable[[], T]) -> Optional[T]:
    """For a posted form that validates: make the domain change and commit it, returning
    what the change returns (the object saved: never None). None when the form or the
    domain refuses; the domain's reason then shows under the field it names
    (`form.refuse`)."""
    if not form.validate_on_submit():
        return None
    try:
        result = change()
    except Refused as error:
        form.refuse(error)
        return None
    if result is None:  # a domain function that forgot to return its object
        raise TypeError(f"{change} returned None: return the object saved")
    db.session.commit()
    return result


def direction() -> int:
    """The step of an order button: -1 up, +1 down (400 for anything else)."""
    step = {"up": -1, "down": 1}.get(request.form.get("direction") or "", 0)
    if not step:
        abort(400)
    return step


def switch() -> bool:
    """The position an on/off switch asks for (400 for anything but "0" or "1")."""
    wanted = request.form.get("active")
    if wanted not in {"0", "1"}:
        abort(400)
    return wanted == "1"
