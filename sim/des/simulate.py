"""Running one month of the contact centre, and turning its state into flat records."""

from __future__ import annotations

from functools import partial

import numpy as np

from sim.des.centre import Centre
from sim.des.contacts import Bot, ContactBatch, ContactRecords, Presence
from sim.des.spec import CentreSpec, QueueSpec, centre_from_queues
from sim.des.states import HELD, QUEUED, UNSERVED


def simulate_centre(batch: ContactBatch, spec: CentreSpec, days: int) -> ContactRecords:
    """Serve one month of contacts; one record per contact leg (batch rows first, in order).

    The run ends when the month's work is done: contacts in service finish, live contacts still
    waiting ``DRAIN_LIMIT_S`` after month end are unserved, deferrable work left is backlog.
    """
    if len(batch) and int(batch.channel.max()) >= len(spec.channels):
        raise ValueError("a contact's channel code has no channel spec")
    centre = Centre(batch, spec, days)
    carried = np.flatnonzero(batch.carried)
    for row in carried.tolist():  # last month's deferrable backlog is waiting at t = 0
        i = centre._new(row, 0, float(batch.arrival_s[row]))
        centre.r["t_queue"][i] = float(batch.arrival_s[row])
        if spec.channels[int(batch.channel[row])].realtime:  # a message left while the channel was closed
            centre.messages.add(i)
    fresh = np.flatnonzero(~batch.carried)
    centre.env.process(centre.shifts())
    for i in range(carried.size):
        centre.env.timeout(0).callbacks.append(partial(lambda i, _ev: centre.to_human(i), i))
    centre.env.process(centre.source(fresh[np.argsort(batch.arrival_s[fresh], kind="stable")]))
    centre.env.timeout(centre.close_s).callbacks.append(centre.close_run)
    centre.env.run()
    for floor in centre.groups:
        floor.close(centre.env.now)
    return _records(centre)


def simulate_month(batch: ContactBatch, queues: list[QueueSpec] | CentreSpec, days: int) -> ContactRecords:
    """Serve one month with either a full :class:`CentreSpec` or plain per-channel queues."""
    spec = queues if isinstance(queues, CentreSpec) else centre_from_queues(list(queues))
    return simulate_centre(batch, spec, days)


def _records(c: Centre) -> ContactRecords:
    r, b = c.r, c.b
    row = np.asarray(r["row"], np.int64)
    state = np.asarray(r["state"])
    n = row.size

    def flags(legs) -> np.ndarray:
        out = np.zeros(n, bool)
        out[list(legs)] = True
        return out

    channel = b.channel[row].copy()
    if c.switched:
        channel[list(c.switched)] = list(c.switched.values())
    realtime = np.array([ch.realtime for ch in c.spec.channels])[channel.astype(np.intp)] if row.size else np.zeros(0, bool)
    message = flags(c.messages)
    unserved = state == UNSERVED
    backlog = np.isin(state, (QUEUED, HELD)) & (~realtime | message)  # a transfer still waiting for level 2 was answered
    wait = np.asarray(r["wait"], float)
    t_queue = np.asarray(r["t_queue"], float)
    wait[unserved] = c.close_s - t_queue[unserved]  # NaN for a contact that never joined a queue
    wait[backlog] = c.horizon_s - t_queue[backlog]
    bot = np.asarray(r["bot"], np.int8)
    stretches = [(f.code, s, e) for f in c.groups for s, e in f.stretches]
    presence = Presence(*(np.array(x, dtype) for x, dtype in zip(zip(*stretches), (np.int16, float, float)))) \
        if stretches else Presence(np.zeros(0, np.int16), np.zeros(0), np.zeros(0))
    return ContactRecords(
        customer_id=b.customer_id[row], channel=channel, reason=b.reason[row], issue=row,
        attempt=np.asarray(r["attempt"], np.int8), arrival_s=np.asarray(r["arrival"], float),
        wait_s=wait, handle_s=np.asarray(r["handle"], float), service_start_s=np.asarray(r["start"], float),
        offered=np.isin(bot, (Bot.NONE, Bot.HANDED_OFF)) & ~np.isnan(t_queue), answered=np.asarray(r["answered"], bool),
        abandoned=np.asarray(r["abandoned"], bool), resolved=np.asarray(r["resolved"], bool),
        transferred=np.asarray(r["transferred"], bool),
        bot=bot, context_lost=np.asarray(r["ctx_lost"], bool), callback=np.asarray(r["callback"], bool),
        silent=np.asarray(r["silent"], bool), backlog=backlog, carried=b.carried[row] & (np.asarray(r["attempt"]) == 0),
        unserved_at_close=unserved, l2_handle_s=np.asarray(r["l2_handle"], float),
        group=np.asarray(r["group"], np.int16), queued_s=t_queue, channel_tried=b.channel[row],
        met_closed=flags(c.met_closed), switched=flags(c.switched), message=message,
        presence=presence,
    )
