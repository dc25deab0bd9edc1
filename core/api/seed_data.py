"""The 200 seed todos, shaped like JSONPlaceholder's: 10 users with 20 todos each, Latin-looking titles.

They are made by a fixed pseudo-random sequence, so every Wirelab has the very same todos (and tests
and the docs can name them). Todo 10 is the one the seed tutorial reads before replacing it: userId 1,
completed, "illo est ratione doloremque quia maiores aut".
"""

from __future__ import annotations

import random
from functools import lru_cache

COUNT = 200
PER_USER = 20

_WORDS = (
    "a ab accusamus ad adipisci alias aliquam amet animi aperiam architecto asperiores aspernatur "
    "assumenda at aut autem beatae blanditiis commodi consectetur consequatur corporis corrupti culpa "
    "cum cumque cupiditate debitis delectus deleniti deserunt dicta dignissimos distinctio dolor dolore "
    "dolorem doloremque dolores doloribus dolorum ducimus ea eaque earum eius eligendi enim eos error "
    "esse est et eum eveniet ex excepturi exercitationem expedita explicabo facere facilis fuga fugiat "
    "fugit harum hic id illo illum impedit in incidunt inventore ipsa ipsam ipsum iste itaque iure iusto "
    "labore laboriosam laborum laudantium libero magnam magni maiores maxime minima minus modi molestiae "
    "molestias mollitia nam natus necessitatibus nemo neque nesciunt nihil nisi nobis non nostrum nulla "
    "numquam obcaecati odio odit officia officiis omnis optio pariatur perferendis perspiciatis placeat "
    "porro possimus praesentium provident quae quaerat quam quas quasi qui quia quibusdam quidem quis "
    "quisquam quo quod quos ratione recusandae reiciendis rem repellat repellendus reprehenderit "
    "repudiandae rerum saepe sapiente sed sequi similique sint sit soluta sunt suscipit tempora tempore "
    "temporibus tenetur totam ullam unde ut vel velit veniam veritatis vero vitae voluptas voluptate "
    "voluptatem voluptates voluptatibus voluptatum"
).split()

#: The todos the seed tutorial shows, kept exactly.
_FIXED = {10: {"userId": 1, "title": "illo est ratione doloremque quia maiores aut", "completed": True}}


@lru_cache(maxsize=1)
def _generated() -> tuple[tuple[int, int, str, bool], ...]:
    rng = random.Random(20251024)
    rows = []
    for todo_id in range(1, COUNT + 1):
        title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 8)))
        completed = rng.random() < 0.45
        fixed = _FIXED.get(todo_id)
        if fixed:
            rows.append((todo_id, fixed["userId"], fixed["title"], fixed["completed"]))
        else:
            rows.append((todo_id, (todo_id - 1) // PER_USER + 1, title, completed))
    return tuple(rows)


def seed_todos() -> list[dict]:
    """The 200 seed todos, ``{"userId", "id", "title", "completed"}`` each, ids 1 to 200."""
    return [{"userId": u, "id": i, "title": t, "completed": c} for i, u, t, c in _generated()]
