"""A client that drives a running Streamlit server over its own websocket protocol, as a browser does.

It connects to ``/_stcore/stream`` with the ``streamlit`` subprotocol, sends ``BackMsg.rerun_script``
with a ``ClientState`` (query string, page script hash, widget states) and reads ``ForwardMsg``s until
``script_finished``. Like the browser it keeps widget values between runs, clears elements a run no
longer draws, follows query-string and page changes made by the script, and answers ``auto_rerun``
requests (fragments with ``run_every``) in the background. Everything comes from ``streamlit.proto``.

Example::

    async with StClient(8501, query_string="lesson=introduction") as client:
        first = await client.run(page="lesson")
        await client.run(set={"part": ["Practise"]})
        print(client.texts())
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import socket
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

T = TypeVar("T")
FINISHED = ForwardMsg.ScriptFinishedStatus
FULL_RUN_DONE = {FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_WITH_COMPILE_ERROR}

# Which WidgetState field carries each widget's value (the server registers the same value_type).
VALUE_FIELD = {
    "button": "trigger_value",
    "download_button": "trigger_value",
    "checkbox": "bool_value",
    "radio": "string_value",
    "selectbox": "string_value",
    "text_input": "string_value",
    "text_area": "string_value",
    "color_picker": "string_value",
    "time_input": "string_value",
    "feedback": "string_value",
    "button_group": "string_array_value",
    "multiselect": "string_array_value",
    "date_input": "string_array_value",
    "slider": "double_array_value",
    "pagination": "int_value",
}
ARRAY_FIELDS = {"string_array_value", "double_array_value", "int_array_value"}

# The text each element shows, for assertions and for reading counts off a screen.
_TEXT_FIELDS = {
    "heading": ("body",),
    "markdown": ("body",),
    "text": ("body",),
    "alert": ("body",),
    "code": ("code_text",),
    "button": ("label",),
    "download_button": ("label",),
    "link_button": ("label",),
    "page_link": ("label",),
    "metric": ("label", "body"),
    "exception": ("type", "message"),
    "radio": ("label",),
    "selectbox": ("label",),
    "checkbox": ("label",),
    "text_input": ("label",),
    "text_area": ("label",),
    "button_group": (),
    "progress": ("text",),
    "toast": ("body",),
}


class StClientError(RuntimeError):
    """The server closed the connection, or a run did not finish in time."""


@dataclass
class RunResult:
    """One finished script run as the client saw it."""

    status: int
    seconds: float
    elements: list[Element]
    exceptions: list[str] = field(default_factory=list)
    deltas: int = 0  # elements and blocks the run sent (Streamlit's cost grows with this)


@dataclass
class _Node:
    item: Any  # Element or Block
    fragment_id: str
    run: int


def widget_key(widget_id: str) -> str | None:
    """The user key inside a widget id ('$$ID-<hash>-<key>'), or None for widgets without one."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[0] == "$$ID" and parts[2] != "None" else None


def element_type(element: Element) -> str:
    return element.WhichOneof("type") or ""


def element_text(element: Element) -> str:
    """The visible text of an element (label and body, options for choice widgets)."""
    kind = element_type(element)
    payload = getattr(element, kind, None)
    if payload is None:
        return ""
    parts = [str(getattr(payload, name)) for name in _TEXT_FIELDS.get(kind, ()) if getattr(payload, name, "")]
    if kind in ("radio", "selectbox", "button_group", "multiselect"):
        options = getattr(payload, "options", [])
        parts += [getattr(option, "content", option) if not isinstance(option, str) else option for option in options]
    return " ".join(str(part) for part in parts)


class StClient:
    """One browser tab: a websocket session against a Streamlit server."""

    def __init__(
        self,
        port_or_url: int | str,
        *,
        query_string: str | Mapping[str, str] = "",
        page: str | None = None,
        auto_rerun: bool = True,
        quickack: bool = True,
        headers: Mapping[str, str] | None = None,
        open_timeout: float = 30,
    ) -> None:
        base = f"ws://127.0.0.1:{port_or_url}" if isinstance(port_or_url, int) else str(port_or_url)
        base = base.replace("http://", "ws://").replace("https://", "wss://").rstrip("/")
        self.url = f"{base}/_stcore/stream"
        self.query_string = query_string if isinstance(query_string, str) else urlencode(query_string)
        self.page = page  # url path name ("lesson") or page script hash, for the first run
        self.auto_rerun = auto_rerun
        self.quickack = quickack and hasattr(socket, "TCP_QUICKACK")
        self.open_timeout = open_timeout
        self.headers = dict(headers or {})  # e.g. the Cookie a proxy routes on
        self.pages: dict[str, str] = {}  # url path name -> page script hash, from the navigation message
        self.page_hash = ""
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._nodes: dict[tuple[int, ...], _Node] = {}
        self._values: dict[str, tuple[str, Any]] = {}  # widget id -> (field, value), kept like the browser
        self._run = 0
        self._finished: asyncio.Queue[tuple[int, float]] = asyncio.Queue()
        self._changed = asyncio.Event()
        self._exceptions: list[str] = []
        self._deltas = 0
        self._auto: dict[str, asyncio.Task[None]] = {}
        self._closed: BaseException | None = None
        self.full_runs = 0
        self.fragment_runs = 0
        self.trace: list[str] = []  # the last messages sent and received, for diagnosing a stuck run

    # --- connection -----------------------------------------------------------------------

    async def connect(self) -> StClient:
        self._ws = await connect(
            self.url,
            subprotocols=["streamlit"],  # type: ignore[list-item]
            max_size=None,
            compression=None,
            ping_interval=None,
            open_timeout=self.open_timeout,
            additional_headers=self.headers or None,
        )
        self._reader = asyncio.create_task(self._read_forever())
        return self

    @property
    def response_headers(self) -> Mapping[str, str]:
        """The headers of the websocket handshake's response (a proxy may add its own, such as the upstream)."""
        response = self._ws.response if self._ws is not None else None
        return response.headers if response is not None else {}

    async def close(self) -> None:
        for task in self._auto.values():
            task.cancel()
        self._auto.clear()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def __aenter__(self) -> StClient:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- runs -----------------------------------------------------------------------------

    async def run(
        self,
        *,
        page: str | None = None,
        query: Mapping[str, str] | str | None = None,
        set: Mapping[str, Any] | None = None,
        click: str | None = None,
        timeout: float = 60,
    ) -> RunResult:
        """Rerun the script as the browser would after an interaction; returns when the run finishes.

        page: a url path name ("lesson") or page hash to navigate to; query: the new query string;
        set: widget key -> new value (kept for later runs); click: a button key to trigger once.
        """
        if self._ws is None:
            await self.connect()
        message = BackMsg()
        state = message.rerun_script
        if query is not None:
            self.query_string = query if isinstance(query, str) else urlencode(query)
        state.query_string = self.query_string
        target = page if page is not None else (self.page if self.full_runs == 0 else None)
        if target is not None:
            state.page_script_hash = self.pages.get(target, target if len(target) == 32 else "")
            if not state.page_script_hash:
                state.page_name = target
        else:
            state.page_script_hash = self.page_hash
        for key, value in (set or {}).items():
            widget_id, kind = self._widget_id(key)
            self._values[widget_id] = (self._field_for(kind, value, key), value)
        self._fill_widget_states(state.widget_states)
        if click is not None:
            widget_id, _kind = self._widget_id(click)
            trigger = state.widget_states.widgets.add()
            trigger.id = widget_id
            trigger.trigger_value = True
        self._exceptions = []
        self._deltas = 0
        while not self._finished.empty() and self._closed is None:
            self._finished.get_nowait()  # finishes nobody waited for (background fragment runs)
        started = time.perf_counter()
        await self._send(message)
        while True:
            remaining = started + timeout - time.perf_counter()
            try:
                status, finished_at = await asyncio.wait_for(self._next_finish(), max(remaining, 0.001))
            except TimeoutError as error:
                raise StClientError(f"the run did not finish within {timeout} s") from error
            if status in FULL_RUN_DONE:
                return RunResult(status, finished_at - started, self.elements(), list(self._exceptions), self._deltas)

    async def wait_for(self, predicate: Callable[[StClient], bool], *, timeout: float = 10) -> float:
        """Wait until predicate(client) holds after some run (full or fragment); returns when it first held."""
        deadline = time.perf_counter() + timeout
        while True:
            self._changed.clear()
            if predicate(self):
                return time.perf_counter()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise StClientError("the expected screen did not appear in time")
            if self._closed is not None:
                raise StClientError(f"connection closed: {self._closed}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    # --- reading the screen -----------------------------------------------------------------

    def elements(self) -> list[Element]:
        """The elements on screen, in document order (blocks left out)."""
        return [node.item for _path, node in sorted(self._nodes.items()) if isinstance(node.item, Element)]

    def elements_of(self, kind: str) -> list[Element]:
        return [element for element in self.elements() if element_type(element) == kind]

    def texts(self) -> list[str]:
        return [text for text in (element_text(element) for element in self.elements()) if text]

    def text(self) -> str:
        return "\n".join(self.texts())

    def metric(self, label: str) -> str | None:
        """The value an st.metric with this label shows, or None when there is none."""
        for element in self.elements_of("metric"):
            if element.metric.label == label:
                return element.metric.body
        return None

    def widget(self, key: str) -> Element | None:
        for element in self.elements():
            payload = getattr(element, element_type(element), None)
            widget_id = getattr(payload, "id", "")
            if isinstance(widget_id, str) and widget_key(widget_id) == key:
                return element
        return None

    def widget_keys(self) -> list[str]:
        keys = []
        for element in self.elements():
            widget_id = getattr(getattr(element, element_type(element), None), "id", "")
            key = widget_key(widget_id) if isinstance(widget_id, str) else None
            if key:
                keys.append(key)
        return keys

    def value(self, key: str) -> Any:
        widget_id, _kind = self._widget_id(key)
        return self._values.get(widget_id, (None, None))[1]

    # --- internals --------------------------------------------------------------------------

    def _widget_id(self, key: str) -> tuple[str, str]:
        element = self.widget(key)
        if element is None:
            raise StClientError(f"no widget with key {key!r} on screen; keys: {self.widget_keys()}")
        kind = element_type(element)
        return getattr(element, kind).id, kind

    def _field_for(self, kind: str, value: Any, key: str) -> str:
        if kind == "number_input":
            return "int_value" if isinstance(value, int) and not isinstance(value, bool) else "double_value"
        if kind in VALUE_FIELD:
            return VALUE_FIELD[kind]
        raise StClientError(f"widget {key!r} is a {kind}, which this client cannot set")

    def _fill_widget_states(self, states: Any) -> None:
        for widget_id, (name, value) in self._values.items():
            if name == "trigger_value":
                continue
            widget = states.widgets.add()
            widget.id = widget_id
            if name in ARRAY_FIELDS:
                getattr(widget, name).data.extend(value if isinstance(value, Iterable) else [value])
            else:
                setattr(widget, name, value)

    async def _send(self, message: BackMsg) -> None:
        state = message.rerun_script
        self._note(
            f"-> rerun fragment={state.fragment_id or '-'} auto={state.is_auto_rerun} triggers={[w.id[-12:] for w in state.widget_states.widgets if w.WhichOneof('value') == 'trigger_value']}"
        )
        if self._closed is not None or self._ws is None:
            raise StClientError(f"connection closed: {self._closed}")
        try:
            await self._ws.send(message.SerializeToString())
        except ConnectionClosed as error:
            raise StClientError(f"connection closed: {error}") from error

    async def _next_finish(self) -> tuple[int, float]:
        if self._closed is not None and self._finished.empty():
            raise StClientError(f"connection closed: {self._closed}")
        item = await self._finished.get()
        if item[0] < 0:
            raise StClientError(f"connection closed: {self._closed}")
        return item

    async def _read_forever(self) -> None:
        assert self._ws is not None
        sock = self._ws.transport.get_extra_info("socket") if self.quickack else None
        try:
            async for data in self._ws:
                if sock is not None:
                    # Acknowledge at once: a delayed ACK (40 ms on Linux) would otherwise hold back the
                    # server's next small frames and add a constant 40 ms to every run we time.
                    with contextlib.suppress(OSError):
                        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
                message = ForwardMsg()
                message.ParseFromString(data)  # type: ignore[arg-type]
                self._handle(message)
        except ConnectionClosed as error:
            self._closed = error
        except Exception as error:  # surface anything unexpected to the waiting run
            self._closed = error
        else:
            self._closed = ConnectionError("server closed the stream")
        finally:
            self._finished.put_nowait((-1, time.perf_counter()))
            self._changed.set()

    def _note(self, line: str) -> None:
        self.trace.append(f"{time.perf_counter():.3f} {line}")
        del self.trace[:-120]

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "delta":
            which = message.delta.WhichOneof("type")
            detail = element_type(message.delta.new_element) if which == "new_element" else which
            self._note(f"<- delta {list(message.metadata.delta_path)} {detail} frag={message.delta.fragment_id[:6]}")
        else:
            detail = message.script_finished if kind == "script_finished" else ""
            self._note(
                f"<- {kind} {detail} run={message.metadata.run.script_run_id[:8]} frags={list(message.metadata.run.fragment_ids)}"
            )
        if kind == "delta":
            delta = message.delta
            path = tuple(message.metadata.delta_path)
            which = delta.WhichOneof("type")
            if which == "new_element":
                item: Any = delta.new_element
                if element_type(item) == "exception":
                    self._exceptions.append(f"{item.exception.type}: {item.exception.message}")
            elif which == "add_block":
                item = delta.add_block
            else:
                return
            self._deltas += 1
            self._nodes[path] = _Node(item, delta.fragment_id, self._run)
        elif kind == "new_session":
            new_hash = message.new_session.page_script_hash
            if new_hash and new_hash != self.page_hash:
                # Like the browser, a different page drops the old page's periodic fragment reruns.
                for task in self._auto.values():
                    task.cancel()
                self._auto.clear()
            self.page_hash = new_hash or self.page_hash
        elif kind == "navigation":
            navigation = message.navigation
            self.page_hash = navigation.page_script_hash or self.page_hash
            for app_page in navigation.app_pages:
                self.pages[app_page.url_pathname or app_page.page_name] = app_page.page_script_hash
                self.pages.setdefault(app_page.page_name, app_page.page_script_hash)
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "auto_rerun":
            self._start_auto_rerun(message.auto_rerun.fragment_id, message.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in message.stop_auto_rerun.fragment_ids:
                task = self._auto.pop(fragment_id, None)
                if task is not None:
                    task.cancel()
        elif kind == "script_finished":
            status = message.script_finished
            if status == FINISHED.FINISHED_SUCCESSFULLY:
                self._clear_stale(lambda node: True)
                self.full_runs += 1
            elif status == FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
                fragments = set(message.metadata.run.fragment_ids)
                self._clear_stale(lambda node: node.fragment_id in fragments)
                self.fragment_runs += 1
            elif status == FINISHED.FINISHED_WITH_COMPILE_ERROR:
                self.full_runs += 1
            self._run += 1
            self._finished.put_nowait((status, time.perf_counter()))
            self._changed.set()

    def _clear_stale(self, in_scope: Callable[[_Node], bool]) -> None:
        current = self._run
        for path in [p for p, node in self._nodes.items() if node.run != current and in_scope(node)]:
            del self._nodes[path]
        live = {getattr(getattr(node.item, element_type(node.item), None), "id", None) for node in self._nodes.values()}
        for widget_id in [w for w in self._values if w not in live]:
            del self._values[widget_id]

    def _start_auto_rerun(self, fragment_id: str, interval: float) -> None:
        if not self.auto_rerun or fragment_id in self._auto:
            return
        self._auto[fragment_id] = asyncio.create_task(self._auto_rerun(fragment_id, interval))

    async def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        while self._closed is None:
            await asyncio.sleep(interval)
            message = BackMsg()
            state = message.rerun_script
            state.query_string = self.query_string
            state.page_script_hash = self.page_hash
            state.fragment_id = fragment_id
            state.is_auto_rerun = True
            self._fill_widget_states(state.widget_states)
            try:
                await self._send(message)
            except StClientError:
                return


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous code, in a thread with its own event loop.

    A plain asyncio.run() fails when the calling thread already runs a loop (Playwright's sync API keeps
    one running in pytest's main thread while a browser fixture is alive).
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def open_page(
    port_or_url: int | str, page: str | None = None, *, query: Mapping[str, str] | str = "", **options: Any
) -> tuple[StClient, RunResult]:
    """Connect a new session and run its first page; the caller closes the client."""
    client = StClient(port_or_url, query_string=query, page=page, **options)
    await client.connect()
    try:
        result = await client.run()
    except BaseException:
        await client.close()
        raise
    return client, result
