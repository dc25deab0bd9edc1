"""The lazy JSON tree over a local source: pages, nested pages, bare values, new documents."""

from __future__ import annotations

from typing import Any

from core.rest.jsondoc import PAGE
from gui.rest.jsontree import JsonTreeModel, JsonTreeView, LocalSource


def make(qtbot: Any, value: Any) -> tuple[JsonTreeModel, JsonTreeView, LocalSource]:
    source = LocalSource()
    model = JsonTreeModel()
    view = JsonTreeView()
    view.setModel(model)
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    doc_id, root = source.docs.add(value)
    model.set_document(source, doc_id, root)
    return model, view, source


def test_top_level_rows_come_a_page_at_a_time(qtbot: Any) -> None:
    model, view, _ = make(qtbot, list(range(1000)))
    assert model.rowCount() == PAGE and model.canFetchMore(model.index(-1, -1).parent())
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() >= 2 * PAGE)
    assert model.index(2 * PAGE - 1, 0).data() == f"[{2 * PAGE - 1}]"


def test_a_nested_node_loads_its_next_page_when_scrolled_to(qtbot: Any) -> None:
    model, view, _ = make(qtbot, {"items": list(range(700)), "b": 1})
    items = model.index(0, 0)
    assert model.hasChildren(items) and model.rowCount(items) == 0  # nothing until it is opened
    view.expand(items)
    qtbot.waitUntil(lambda: model.rowCount(items) == PAGE)  # the view asks when it lays the rows out
    view.scrollTo(model.index(PAGE - 1, 0, items))  # the last loaded item comes into view
    qtbot.waitUntil(lambda: model.rowCount(items) == 2 * PAGE)
    assert model.path_of(model.index(PAGE, 0, items)) == ("items", PAGE)
    assert model.index(0, 1, items).data() == "0" and model.index(0, 2, items).data() == "number"


def test_a_bare_value_is_one_row_and_a_new_document_replaces_the_old(qtbot: Any) -> None:
    model, _, source = make(qtbot, "just text")
    assert model.rowCount() == 1 and model.index(0, 0).data() == "$" and model.index(0, 1).data() == '"just text"'
    doc_id, root = source.docs.add({"a": {"b": [True, None]}})
    model.set_document(source, doc_id, root)
    a = model.index(0, 0)
    assert a.data() == "a" and model.index(0, 1).data() == "{1 key}"
    model.fetchMore(a)
    b = model.index(0, 0, a)
    model.fetchMore(b)
    assert [model.index(r, 1, b).data() for r in range(2)] == ["true", "null"]
    assert model.parent(model.index(1, 0, b)) == b
