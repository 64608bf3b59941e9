"""The render benchmark's views on pyview (Phoenix LiveView's protocol in
Python): the same counter and table as render-server.js, for
scripts/bench/render to drive side by side. PORT picks the port, ROWS the
table's rows (300 by default). Needs `pip install pyview-web uvicorn`."""

import os

import uvicorn
from pyview import LiveView, PyView
from pyview.template import LiveRender, LiveTemplate
from pyview.vendor.ibis import Template

ROWS = int(os.environ.get("ROWS", "300"))

COUNTER = LiveTemplate(Template("""<h1>Counter</h1>
      <p>Count: <span id="count">{{ count }}</span></p>
      <button id="dec" phx-click="dec">-</button>
      <button id="inc" phx-click="inc">+</button>"""))

TABLE = LiveTemplate(Template("""<table><thead><tr><th>#</th><th>Name</th><th>Owner</th><th>Score</th><th></th></tr></thead>
      <tbody>{% for r in rows %}<tr id="r{{ r.id }}"><td>{{ r.id }}</td><td>{{ r.name }}</td><td><a href="mailto:{{ r.owner }}">{{ r.owner }}</a></td>
          <td class="{{ r.cls }}">{{ r.score }}</td><td><button phx-click="bump" phx-value-id="{{ r.id }}">+1</button></td></tr>{% endfor %}</tbody></table>"""))


class Counter(LiveView):
    async def mount(self, socket, session):
        socket.context = {"count": 0}

    async def handle_event(self, event, payload, socket):
        socket.context["count"] += 1

    async def render(self, assigns, meta):
        return LiveRender(COUNTER, assigns, meta)


class Table(LiveView):
    async def mount(self, socket, session):
        rows = [{"id": i, "name": f"row {i}", "score": 0, "cls": "even", "owner": f"user{i % 17}@example.com"} for i in range(ROWS)]
        socket.context = {"rows": rows, "next": 0}

    async def handle_event(self, event, payload, socket):
        # One row changes per event, walking down the table, as in render-server.js.
        i = socket.context["next"]
        row = dict(socket.context["rows"][i])
        row["score"] += 1
        row["cls"] = "odd" if row["score"] % 2 else "even"
        socket.context["rows"][i] = row
        socket.context["next"] = (i + 1) % ROWS

    async def render(self, assigns, meta):
        return LiveRender(TABLE, assigns, meta)


app = PyView()
app.add_live_view("/counter", Counter)
app.add_live_view("/table", Table)

if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8000"))
    print(f"listening on {port}", flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
