"""A tabular inline whose every input has an accessible name (issue 12, item 4: the admin pages
still in use pass axe). Django's tabular inlines name a column in its header only, which a
screen reader does not tie to the inputs below it: each input, the delete box included, gets
an ``aria-label`` of its column and row."""

from __future__ import annotations

from typing import Any

from django.contrib import admin


class LabelledTabularInline(admin.TabularInline):  # any model
    def get_formset(self, request: Any, obj: Any = None, **kwargs: Any) -> Any:
        base = super().get_formset(request, obj, **kwargs)

        class Labelled(base):  # type: ignore[misc, valid-type]  # made by Django's factory
            def add_fields(self, form: Any, index: int | None) -> None:
                super().add_fields(form, index)
                row = "new row" if index is None else f"row {index + 1}"
                for name, field in form.fields.items():
                    label = "Delete" if name == "DELETE" else str(field.label or name)
                    field.widget.attrs.setdefault("aria-label", f"{label}, {row}")

        Labelled.__name__ = base.__name__
        return Labelled
