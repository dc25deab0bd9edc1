"""The sans-I/O protocol: whole conversations fed byte by byte and in random splits, plus hostile input."""

from __future__ import annotations

import json
import random
import struct
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.protocol import (
    MAX_CHUNK,
    NEED_DATA,
    Connection,
    ConnectionClosed,
    Data,
    LocalProtocolError,
    PlainText,
    RemoteProtocolError,
    Role,
    State,
    Unknown,
)
from core.protocol.messages import (
    Accept,
    Cancel,
    ChatMessage,
    Decline,
    Done,
    Error,
    FileEnd,
    FileEntry,
    FileFailed,
    FileGroup,
    FileOk,
    FileStart,
    Hello,
    Join,
    Joined,
    Me,
    Offer,
    Ping,
    Pong,
    Presence,
    Resume,
    Say,
    SetNick,
    Summary,
    Welcome,
    Who,
)

CLIENT, SERVER = "client", "server"

CHAT_CONVERSATION = [
    (CLIENT, Hello(service="chat", nick="ana", machine="lab-1", room="lobby")),
    (SERVER, Welcome(service="chat", server="lab-0", nick="ana", room="lobby")),
    (SERVER, Joined(room="lobby", nick="ana", members=("ana", "bob"))),
    (SERVER, ChatMessage(room="lobby", nick="bob", text="earlier", time=1.5, history=True)),
    (CLIENT, Say("héllo wörld 👋 with \"quotes\" and \\ back\nslash")),
    (SERVER, ChatMessage(room="lobby", nick="ana", text="héllo", time=2.0)),
    (CLIENT, Me("waves")),
    (CLIENT, SetNick("anna")),
    (SERVER, Presence(room="lobby", kind="nick", nick="anna", old="ana", time=3.0)),
    (CLIENT, Join("lab2")),
    (CLIENT, Who()),
    (CLIENT, Ping("t1")),
    (SERVER, Pong("t1")),
]

FILE_CONTENT = [bytes(range(256)) * 3, b"", b"x" * 1000]

FILES_CONVERSATION = [
    (CLIENT, Hello(service="files", nick="ana", machine="lab-1")),
    (SERVER, Welcome(service="files", server="lab-0")),
    (CLIENT, Offer(batch="b1", files=(
        FileEntry("dir/a.bin", len(FILE_CONTENT[0]), "aa"),
        FileEntry("empty.txt", 0),
        FileEntry("dir/sub/c.txt", 1000),
    ))),
    (SERVER, Accept(batch="b1", resume=(Resume(index=2, offset=400, prefix_sha256="cc"),))),
    (CLIENT, FileStart(0)),
    (CLIENT, Data(FILE_CONTENT[0][:500])),
    (CLIENT, Data(FILE_CONTENT[0][500:])),
    (CLIENT, FileEnd(0, "aa")),
    (SERVER, FileOk(0, "dir/a.bin", "aa")),
    (CLIENT, FileStart(1)),
    (CLIENT, FileEnd(1, "e3")),
    (CLIENT, FileStart(2, offset=400)),
    (CLIENT, Data(FILE_CONTENT[2][400:])),
    (CLIENT, FileEnd(2, "cc")),
    (CLIENT, Done("b1")),
    (SERVER, FileOk(1, "empty.txt", "e3")),
    (SERVER, FileOk(2, "dir/sub/c (1).txt", "cc")),
    (SERVER, Summary(batch="b1", received=3)),
    (CLIENT, Offer(batch="b2", files=(FileEntry("again.txt", 2),))),
    (SERVER, Decline(batch="b2", reason="declined", message="No thanks")),
]


GROUP_CONTENT = [b"", b"first small file\n", b"", b"second" * 300, b"3"]

# Small files in file groups: one line names several whole files, their bytes follow back to back in
# data frames cut anywhere (here a frame ends inside the second file, the next starts in it).
GROUPS_CONVERSATION = [
    (CLIENT, Hello(service="files", nick="ana", machine="lab-1")),
    (SERVER, Welcome(service="files", server="lab-0", features=("file_group",))),
    (CLIENT, Offer(batch="g", files=(
        *(FileEntry(f"notes/{i}.txt", len(c)) for i, c in enumerate(GROUP_CONTENT)),
        FileEntry("big.bin", 3000),
        FileEntry("only-empty.txt", 0),
    ))),
    (SERVER, Accept(batch="g")),
    (CLIENT, FileGroup(indexes=(0, 1, 2), sha256=("e0", "e1", "e2"))),
    (CLIENT, Data(b"first small file\n")),
    (CLIENT, FileStart(5)),
    (CLIENT, Data(b"z" * 3000)),
    (CLIENT, FileEnd(5, "e5")),
    (CLIENT, FileGroup(indexes=(4, 3), sha256=("e4", "e3"))),
    (CLIENT, Data(b"3" + b"second" * 100)),
    (CLIENT, Data(b"second" * 200)),
    (SERVER, FileOk(1, "notes/1.txt", "e1")),
    (CLIENT, FileGroup(indexes=(6,), sha256=("e6",))),  # only empty files: complete at once
    (CLIENT, Done("g")),
    (SERVER, FileFailed(3, "hash_mismatch", "damaged")),
    (SERVER, Summary(batch="g", received=6, failed=(3,))),
]


def splits(data: bytes, how: str, rng: random.Random) -> list[bytes]:
    if how == "whole":
        return [data]
    if how == "bytes":
        return [data[i:i + 1] for i in range(len(data))]
    pieces, i = [], 0
    while i < len(data):
        n = rng.randint(1, 64)
        pieces.append(data[i:i + n])
        i += n
    return pieces


def drain(conn: Connection) -> list:
    events = []
    while True:
        event = conn.next_event()
        if event is NEED_DATA:
            return events
        events.append(event)


def normalise(events: list) -> list:
    """Join adjacent Data events (how the bytes were split must not matter) and copy their bytes."""
    out: list = []
    for event in events:
        if isinstance(event, Data):
            if out and isinstance(out[-1], Data):
                out[-1] = Data(out[-1].data + bytes(event.data))
            else:
                out.append(Data(bytes(event.data)))
        else:
            out.append(event)
    return out


def play(conversation: list, how: str, seed: int = 0) -> tuple[list, list]:
    """Send every step from one side, feed the bytes to the other side split ``how``; return both views."""
    rng = random.Random(seed)
    client, server = Connection(Role.CLIENT), Connection(Role.SERVER, allow_plain_text=True)
    got = {CLIENT: [], SERVER: []}
    for who, event in conversation:
        sender, receiver, other = (client, server, SERVER) if who == CLIENT else (server, client, CLIENT)
        for piece in splits(sender.send(event), how, rng):
            receiver.receive_data(piece)
            got[other].extend(drain(receiver))
    return normalise(got[SERVER]), normalise(got[CLIENT])


def expected(conversation: list, who: str) -> list:
    return normalise([event for sender, event in conversation if sender == who])


@pytest.mark.parametrize("conversation", [CHAT_CONVERSATION, FILES_CONVERSATION, GROUPS_CONVERSATION],
                         ids=["chat", "files", "file-groups"])
@pytest.mark.parametrize("how", ["whole", "bytes", "random"])
def test_every_valid_conversation_survives_any_split(conversation: list, how: str) -> None:
    for seed in range(5 if how == "random" else 1):
        server_saw, client_saw = play(conversation, how, seed)
        assert server_saw == expected(conversation, CLIENT)
        assert client_saw == expected(conversation, SERVER)


def test_states_follow_the_files_conversation() -> None:
    client, server = Connection(Role.CLIENT), Connection(Role.SERVER)
    assert client.state is State.HELLO
    server.receive_data(client.send(Hello(service="files")))
    assert isinstance(server.next_event(), Hello) and server.state is State.WELCOME
    client.receive_data(server.send(Welcome(service="files")))
    client.next_event()
    assert client.state is server.state is State.READY
    server.receive_data(client.send(Offer(batch="b", files=(FileEntry("a", 3),))))
    server.next_event()
    assert client.state is server.state is State.OFFERED
    client.receive_data(server.send(Accept(batch="b")))
    client.next_event()
    assert client.state is server.state is State.SENDING
    server.receive_data(client.send(FileStart(0)) + client.data_header(3) + b"abc")
    assert server.next_event() == FileStart(0)
    assert server.open_file == 0
    assert bytes(server.next_event().data) == b"abc"
    server.receive_data(client.send(Cancel("b")))
    assert server.next_event() == Cancel("b")
    assert server.state is State.FINISHING and server.open_file is None
    client.receive_data(server.send(Summary(batch="b", received=0)))
    client.next_event()
    assert client.state is server.state is State.READY


def test_clean_eof_gives_connection_closed_once() -> None:
    server = Connection(Role.SERVER)
    server.receive_data(b"")
    assert server.next_event() == ConnectionClosed()
    assert server.next_event() is NEED_DATA
    assert server.state is State.CLOSED


def ready_receiver(files: tuple = (FileEntry("a.bin", 10),)) -> tuple[Connection, Connection]:
    client, server = Connection(Role.CLIENT), Connection(Role.SERVER)
    for msg, src, dst in (
        (Hello(service="files"), client, server),
        (Welcome(service="files"), server, client),
        (Offer(batch="b", files=files), client, server),
        (Accept(batch="b"), server, client),
    ):
        dst.receive_data(src.send(msg))
        drain(dst)
    return client, server


def group_receiver(sizes: tuple = (3, 0, 4)) -> tuple[Connection, Connection]:
    client, server = Connection(Role.CLIENT), Connection(Role.SERVER)
    for msg, src, dst in (
        (Hello(service="files"), client, server),
        (Welcome(service="files", features=("file_group",)), server, client),
        (Offer(batch="b", files=tuple(FileEntry(f"f{i}", n) for i, n in enumerate(sizes))), client, server),
        (Accept(batch="b"), server, client),
    ):
        dst.receive_data(src.send(msg))
        drain(dst)
    return client, server


def test_a_file_group_is_open_until_its_last_byte() -> None:
    client, server = group_receiver()
    server.receive_data(client.send(FileGroup((0, 1, 2), ("a", "b", "c"))) + client.data_header(5) + b"abcde")
    assert server.next_event() == FileGroup((0, 1, 2), ("a", "b", "c"))
    assert bytes(server.next_event().data) == b"abcde"
    assert server.open_file == client.open_file == -1  # 2 bytes still owed
    with pytest.raises(LocalProtocolError) as err:
        client.send(Done("b"))
    assert err.value.code == "file_open"
    server.receive_data(client.data_header(2) + b"fg")
    assert bytes(server.next_event().data) == b"fg"
    assert server.open_file is client.open_file is None
    server.receive_data(client.send(Done("b")))
    assert server.next_event() == Done("b") and server.state is State.FINISHING


def test_file_groups_need_the_receivers_feature() -> None:
    client, server = ready_receiver()  # its welcome listed no features
    with pytest.raises(LocalProtocolError) as err:
        client.send(FileGroup((0,), ("a",)))
    assert err.value.code == "unsupported"
    server.receive_data(b'{"type":"file_group","indexes":[0],"sha256":["a"]}\n')
    with pytest.raises(RemoteProtocolError) as err:
        server.next_event()
    assert err.value.code == "unsupported"


@pytest.mark.parametrize("line, code", [
    (b'{"type":"file_group","indexes":[0,1],"sha256":["a"]}', "bad_message"),
    (b'{"type":"file_group","indexes":[],"sha256":[]}', "bad_message"),
    (b'{"type":"file_group","indexes":[0,0],"sha256":["a","a"]}', "bad_index"),
    (b'{"type":"file_group","indexes":[3],"sha256":["a"]}', "bad_index"),
    (b'{"type":"file_group","indexes":[0],"sha256":["' + b"a" * 65 + b'"]}', "too_long"),
    (b'{"type":"file_group","indexes":[' + b",".join(b"%d" % i for i in range(1025)) + b'],"sha256":[]}',
     "bad_message"),
    (b'{"type":"file_group","indexes":[-1],"sha256":["a"]}', "bad_message"),
])
def test_bad_file_groups_are_refused(line: bytes, code: str) -> None:
    _, server = group_receiver()
    server.receive_data(line + b"\n")
    with pytest.raises(RemoteProtocolError) as err:
        server.next_event()
    assert err.value.code == code


def test_a_file_cannot_be_sent_twice_through_a_group() -> None:
    client, server = group_receiver()
    server.receive_data(client.send(FileStart(0)) + client.data_header(3) + b"abc" + client.send(FileEnd(0, "a")))
    drain(server)
    with pytest.raises(LocalProtocolError):
        client.send(FileGroup((0, 1), ("a", "b")))
    server.receive_data(b'{"type":"file_group","indexes":[1,0],"sha256":["b","a"]}\n')
    with pytest.raises(RemoteProtocolError) as err:
        server.next_event()
    assert err.value.code == "bad_index"


@pytest.mark.parametrize("after, code", [
    (struct.pack(">BI", 0, 8) + b"x" * 8, "too_much_data"),  # the group owes 7 bytes
    (b'{"type":"file","index":2}\n', "file_open"),
    (b'{"type":"file_end","index":0,"sha256":"a"}\n', "bad_index"),
    (b'{"type":"done","batch":"b"}\n', "file_open"),
    (b"", "truncated"),
])
def test_a_group_in_progress_accepts_only_its_own_bytes(after: bytes, code: str) -> None:
    _, server = group_receiver()
    server.receive_data(b'{"type":"file_group","indexes":[0,1,2],"sha256":["a","b","c"]}\n')
    server.next_event()
    server.receive_data(after)
    with pytest.raises(RemoteProtocolError) as err:
        drain(server)
    assert err.value.code == code


def test_data_after_a_complete_group_is_refused() -> None:
    client, server = group_receiver()
    server.receive_data(client.send(FileGroup((0,), ("a",))) + client.data_header(3) + b"abc")
    drain(server)
    with pytest.raises(LocalProtocolError):
        client.data_header(1)
    server.receive_data(struct.pack(">BI", 0, 1) + b"x")
    with pytest.raises(RemoteProtocolError) as err:
        server.next_event()
    assert err.value.code == "unexpected_data"


def test_eof_in_the_middle_of_a_file_is_a_truncation_error() -> None:
    client, server = ready_receiver()
    server.receive_data(client.send(FileStart(0)) + client.data_header(10) + b"12345")
    drain(server)
    server.receive_data(b"")
    with pytest.raises(RemoteProtocolError) as err:
        drain(server)
    assert err.value.code == "truncated"


def test_data_beyond_the_announced_size_is_refused() -> None:
    _, server = ready_receiver()
    server.receive_data(b'{"type":"file","index":0}\n' + struct.pack(">BI", 0, 11) + b"x" * 11)
    server.next_event()
    with pytest.raises(RemoteProtocolError) as err:
        server.next_event()
    assert err.value.code == "too_much_data"


def test_a_huge_claimed_length_is_refused_without_allocating_it() -> None:
    _, server = ready_receiver(files=(FileEntry("big", 2**40),))
    server.receive_data(b'{"type":"file","index":0}\n' + struct.pack(">BI", 0, 0xFFFFFFFF))
    server.next_event()
    tracemalloc.start()
    try:
        with pytest.raises(RemoteProtocolError) as err:
            server.next_event()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.value.code == "bad_length"
    assert peak < 1024 * 1024


def test_a_legal_frame_hands_out_what_arrived_without_waiting_for_all_of_it() -> None:
    _, server = ready_receiver(files=(FileEntry("big", MAX_CHUNK),))
    server.receive_data(b'{"type":"file","index":0}\n' + struct.pack(">BI", 0, MAX_CHUNK) + b"abc")
    server.next_event()
    tracemalloc.start()
    try:
        event = server.next_event()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert bytes(event.data) == b"abc"
    assert server.next_event() is NEED_DATA
    assert peak < 64 * 1024


def test_data_outside_a_file_is_refused() -> None:
    client, server = ready_receiver()
    server.receive_data(struct.pack(">BI", 0, 1) + b"x")
    with pytest.raises(RemoteProtocolError) as err:
        server.next_event()
    assert err.value.code == "unexpected_data"


def test_an_endless_line_is_refused_once_it_passes_the_limit() -> None:
    server = Connection(Role.SERVER)
    server.receive_data(b'{"type":"hello","service":"chat","nick":"')
    chunk = b"a" * (1024 * 1024)
    with pytest.raises(RemoteProtocolError) as err:
        for _ in range(20):
            server.receive_data(chunk)
            server.next_event()
    assert err.value.code == "line_too_long"


@pytest.mark.parametrize("payload, code", [
    (b'{"a":' + b"[" * 100000 + b"]" * 100000 + b"}\n", "bad_json"),
    (b"[1]\n", "not_wirelab"),
    (b'{"a":' * 40 + b"1" + b"}" * 40 + b"\n", "bad_json"),
    (b'{"type":"hello","service":"chat","nick":"\xff\xfe"}\n', "bad_json"),
    (b'{"type": 5}\n', "bad_message"),
    (b'{"type":"hello","service":"chat","nick":12}\n', "bad_message"),
    (b'{"type":"hello","service":"gopher"}\n', "unknown_service"),
    (b'{"type":"hello","service":"chat","app":"other"}\n', "not_wirelab"),
    (b'{"type":"say","text":"hi"}\n', "expected_hello"),
    (b"GET / HTTP/1.1\r\n\r\n", "not_wirelab"),
])
def test_hostile_first_lines_are_protocol_errors(payload: bytes, code: str) -> None:
    server = Connection(Role.SERVER)
    server.receive_data(payload)
    with pytest.raises(RemoteProtocolError) as err:
        server.next_event()
    assert err.value.code == code
    assert server.state is State.CLOSED


def test_a_client_that_does_not_say_hello_is_plain_text_when_allowed() -> None:
    server = Connection(Role.SERVER, allow_plain_text=True)
    server.receive_data("hi there\r\n{not json}\nünïcode \xff\n".encode("utf-8") + b"bad \xff byte\nno newline")
    assert server.next_event() == PlainText("hi there")
    assert server.send(PlainText("[10:00] bob: hi\n")) == b"[10:00] bob: hi\n"
    server.receive_data(b"")
    assert [PlainText("hi there"), *drain(server)] == [
        PlainText("hi there"), PlainText("{not json}"), PlainText("ünïcode ÿ"),
        PlainText("bad \ufffd byte"), PlainText("no newline"), ConnectionClosed(),
    ]


def test_json_that_is_not_a_hello_makes_a_plain_text_client() -> None:
    server = Connection(Role.SERVER, allow_plain_text=True)
    server.receive_data(b'{"type":"say","text":"sneaky"}\n')
    assert server.next_event() == PlainText('{"type":"say","text":"sneaky"}')
    assert server.state is State.PLAIN


def test_silence_after_connect_makes_a_plain_text_client() -> None:
    server = Connection(Role.SERVER, allow_plain_text=True)
    server.assume_plain_text()
    assert server.state is State.PLAIN
    server.receive_data(b'{"type":"hello","service":"chat"}\n')
    assert server.next_event() == PlainText('{"type":"hello","service":"chat"}')


def test_unknown_message_types_and_keys_are_ignored() -> None:
    client, server = Connection(Role.CLIENT), Connection(Role.SERVER)
    server.receive_data(b'{"type":"hello","service":"chat","nick":"ana","future":{"x":[1,2]}}\n')
    assert server.next_event() == Hello(service="chat", nick="ana")
    client.send(Hello(service="chat"))
    client.receive_data(server.send(Welcome(service="chat")) + b'{"type":"sticker","id":7}\n')
    assert isinstance(client.next_event(), Welcome)
    assert client.next_event() == Unknown("sticker")
    assert client.state is State.CHAT


def test_wrong_direction_and_wrong_state_are_local_errors() -> None:
    client = Connection(Role.CLIENT)
    with pytest.raises(LocalProtocolError):
        client.send(Say("too early"))
    server = Connection(Role.SERVER)
    with pytest.raises(LocalProtocolError):
        server.send(Welcome(service="chat"))  # before any hello
    sender, _ = ready_receiver()
    with pytest.raises(LocalProtocolError):
        sender.data_header(1)  # no file open
    sender.send(FileStart(0))
    with pytest.raises(LocalProtocolError):
        sender.data_header(11)  # more than the file's size
    with pytest.raises(LocalProtocolError):
        sender.send(FileEnd(0, "x"))  # 10 bytes still owed
    with pytest.raises(LocalProtocolError):
        sender.send(FileStart(0, offset=5))  # a file is open / offset never offered


def test_fatal_error_closes_the_connection() -> None:
    client, server = Connection(Role.CLIENT), Connection(Role.SERVER)
    server.receive_data(client.send(Hello(service="chat", nick="ana")))
    server.next_event()
    data = server.send(Error(code="nick_taken", message="Somebody in this room is already called ana.", fatal=True))
    assert server.state is State.CLOSED
    client.receive_data(data)
    assert client.next_event().code == "nick_taken"
    assert client.state is State.CLOSED


def test_wire_format_is_compact_json_lines() -> None:
    conn = Connection(Role.CLIENT)
    assert conn.send(Hello(service="chat", nick="ana")) == (
        b'{"type":"hello","service":"chat","nick":"ana","machine":"","room":"","app":"wirelab","protocol":1}\n'
    )
    sender, _ = ready_receiver()
    sender.send(FileStart(0))
    assert sender.data_header(10) == b"\x00\x00\x00\x00\x0a"


# --- fuzzing --------------------------------------------------------------------------------------


def feed_all(conn: Connection, chunks: list[bytes]) -> None:
    for chunk in chunks:
        conn.receive_data(chunk)
        for _ in range(100000):  # never hangs: every call makes progress or asks for data
            event = conn.next_event()
            if event is NEED_DATA or isinstance(event, ConnectionClosed):
                break
        else:
            raise AssertionError("next_event() did not stop producing events")


@settings(max_examples=300, deadline=None)
@given(chunks=st.lists(st.binary(max_size=200), max_size=20), plain=st.booleans(), eof=st.booleans())
def test_random_bytes_give_events_or_a_protocol_error(chunks: list[bytes], plain: bool, eof: bool) -> None:
    server = Connection(Role.SERVER, allow_plain_text=plain)
    try:
        feed_all(server, [c for c in chunks if c] + ([b""] if eof else []))
    except RemoteProtocolError:
        assert server.state is State.CLOSED


@settings(max_examples=300, deadline=None)
@given(conversation=st.sampled_from([FILES_CONVERSATION, GROUPS_CONVERSATION]), cut=st.integers(min_value=0),
       flip=st.integers(min_value=0), value=st.integers(0, 255))
def test_truncated_or_corrupted_conversations_never_crash(conversation: list, cut: int, flip: int, value: int) -> None:
    """The sender's bytes, cut short and with one byte changed, fed to a receiver that answers as it would."""
    steps = client_steps(conversation)
    data = bytearray(b"".join(piece for who, piece in steps if who == CLIENT))
    data = data[: cut % (len(data) + 1)]
    if data:
        data[flip % len(data)] = value
    server = Connection(Role.SERVER)
    try:
        for who, piece in steps:
            if who == SERVER:
                try:
                    server.send(piece)  # what the receiver said at this point (it may no longer fit)
                except LocalProtocolError:
                    pass
                continue
            mine, data = data[:len(piece)], data[len(piece):]
            feed_all(server, [bytes(mine)] if mine else [])
        feed_all(server, [b""])
    except RemoteProtocolError:
        assert server.state is State.CLOSED


def client_steps(conversation: list) -> list[tuple[str, object]]:
    """Each step as (CLIENT, the bytes it sent) or (SERVER, the message it sent)."""
    client, server = Connection(Role.CLIENT), Connection(Role.SERVER)
    out: list[tuple[str, object]] = []
    for who, event in conversation:
        if who == CLIENT:
            data = client.send(event)
            server.receive_data(data)
            drain(server)
            out.append((CLIENT, data))
        else:
            client.receive_data(server.send(event))
            drain(client)
            out.append((SERVER, event))
    return out


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_any_unicode_text_round_trips(text: str) -> None:
    client, server = Connection(Role.CLIENT), Connection(Role.SERVER)
    server.receive_data(client.send(Hello(service="chat")))
    server.next_event()
    client.receive_data(server.send(Welcome(service="chat")))
    client.next_event()
    server.receive_data(client.send(Say(text)))
    assert server.next_event() == Say(text)


@settings(max_examples=100, deadline=None)
@given(obj=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                        lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=3), kids, max_size=3),
                        max_leaves=30))
def test_arbitrary_json_lines_are_handled(obj: object) -> None:
    server = Connection(Role.SERVER)
    server.receive_data(json.dumps(obj).encode() + b"\n")
    try:
        drain(server)
    except RemoteProtocolError:
        pass


# --- the per-file fast paths must be invisible: same messages, same errors, same bytes -------------


def _outcome(line: bytes, role: Role, fast: bool) -> tuple:
    """What a connection in SENDING makes of one control ``line`` (with or without the fast parser)."""
    client, server = ready_receiver((FileEntry("a.bin", 0), FileEntry("b.bin", 0), FileEntry("c.bin", 0)))
    conn = server if role is Role.SERVER else client  # the client (sender) reads the receiver's file_ok lines
    if not fast:
        conn._parse_fast = lambda line: None  # type: ignore[method-assign]
    conn.receive_data(line + b"\n")
    try:
        return ("ok", conn.next_event(), conn.state, conn.open_file)
    except RemoteProtocolError as exc:
        return ("error", exc.code)


FAST_LINES = [
    b'{"type":"file","index":0,"offset":0}', b'{"type":"file","index":2,"offset":0}',
    b'{"type":"file","index":3,"offset":0}', b'{"type":"file","index":01,"offset":0}',
    b'{"type":"file","index":9223372036854775808,"offset":0}', b'{"type":"file","index":0,"offset":5}',
    b'{"type":"file","index":0,"offset":0,"x":1}', b'{"type":"file", "index":0,"offset":0}',
    b'{"type":"file_end","index":0,"sha256":"' + b"a" * 64 + b'"}', b'{"type":"file_end","index":0,"sha256":"' + b"a" * 65 + b'"}',
    b'{"type":"file_end","index":1,"sha256":""}', b'{"type":"file_end","index":0,"sha256":"\\u0041"}',
    b'{"type":"file_ok","index":0,"path":"a/b.txt","sha256":"ab"}', b'{"type":"file_ok","index":5,"path":"a","sha256":""}',
    b'{"type":"file_ok","index":0,"path":"\xc3\xa9t\xc3\xa9","sha256":""}', b'{"type":"file_ok","index":0,"path":"\xff","sha256":""}',
    b'{"type":"file_ok","index":0,"path":"' + b"x" * 4097 + b'","sha256":""}', b'{"type":"file_ok","index":0,"path":"a\\"b","sha256":""}',
]


@pytest.mark.parametrize("line", FAST_LINES)
@pytest.mark.parametrize("role", [Role.SERVER, Role.CLIENT])
def test_the_fast_parser_agrees_with_the_full_parser(line: bytes, role: Role) -> None:
    assert _outcome(line, role, fast=True) == _outcome(line, role, fast=False)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(["file", "file_end", "file_ok"]), index=st.integers(0, 2**64),
       offset=st.integers(0, 2**64), text=st.text(max_size=70), hexes=st.text("0123456789abcdefABCDEF", max_size=66))
def test_the_fast_parser_agrees_on_any_per_file_line(kind: str, index: int, offset: int, text: str, hexes: str) -> None:
    fields = {"file": {"index": index, "offset": offset}, "file_end": {"index": index, "sha256": hexes},
              "file_ok": {"index": index, "path": text, "sha256": hexes}}[kind]
    line = json.dumps({"type": kind, **fields}, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    for role in (Role.SERVER, Role.CLIENT):
        assert _outcome(line, role, fast=True) == _outcome(line, role, fast=False)


@settings(max_examples=300, deadline=None)
@given(index=st.integers(0, 2**63 - 1), offset=st.integers(0, 2**63 - 1), path=st.text(max_size=50),
       sha=st.text("0123456789abcdef\"\\x", max_size=66))
def test_per_file_messages_encode_exactly_like_the_generic_encoder(index: int, offset: int, path: str, sha: str) -> None:
    import dataclasses

    from core.protocol import messages

    def generic(message: object) -> bytes:
        body = {"type": message.TYPE, **{f.name: getattr(message, f.name) for f in dataclasses.fields(message)}}
        return messages._dumps(body).encode("utf-8") + b"\n"

    for message in (FileStart(index, offset), FileEnd(index, sha), FileOk(index, path, sha)):
        assert messages.encode(message) == generic(message)
