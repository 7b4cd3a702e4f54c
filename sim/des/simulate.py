"""Running one month of the contact centre, and turning its state into flat records."""

from __future__ import annotations

import gc

import numpy as np
from simpy.events import NORMAL

from sim.des.centre import Centre
from sim.des.contacts import Bot, ContactBatch, ContactRecords, Presence
from sim.des.spec import CentreSpec, QueueSpec, centre_from_queues
from sim.des.states import (
    ABANDONED_F,
    ANSWERED,
    ARRIVAL,
    ATTEMPT,
    BOT,
    CALLBACK,
    CH,
    CTX_LOST,
    GROUP,
    HANDLE,
    HELD,
    L2_HANDLE,
    MESSAGE,
    MET_CLOSED,
    QUEUED,
    RESOLVED,
    ROW,
    SILENT,
    START,
    STATE,
    SWITCHED,
    T_QUEUE,
    TRANSFERRED,
    UNSERVED,
    WAIT,
    Due,
)


def simulate_centre(batch: ContactBatch, spec: CentreSpec, days: int) -> ContactRecords:
    """Serve one month of contacts; one record per contact leg (batch rows first, in order).

    The run ends when the month's work is done: contacts in service finish, live contacts still
    waiting ``DRAIN_LIMIT_S`` after month end are unserved, deferrable work left is backlog.
    """
    if len(batch) and int(batch.channel.max()) >= len(spec.channels):
        raise ValueError("a contact's channel code has no channel spec")
    centre = Centre(batch, spec, days)
    carried = []
    for row in np.flatnonzero(batch.carried).tolist():  # last month's deferrable backlog is waiting at t = 0
        leg = centre._new(row, 0, centre.arrival_of[row])
        leg[T_QUEUE] = centre.arrival_of[row]
        leg[MESSAGE] = spec.channels[centre.ch_of[row]].realtime  # a message left while the channel was closed
        carried.append(leg)
    fresh = np.flatnonzero(~batch.carried)
    centre.start_shifts()
    on_carried = (lambda ev: centre.to_human(ev.leg, centre.env.now),)
    for leg in carried:
        centre.schedule(Due(on_carried, 0.0, leg), NORMAL, 0)
    centre.start_arrivals(fresh[np.argsort(batch.arrival_s[fresh], kind="stable")])
    centre.env.timeout(centre.close_s).callbacks.append(centre.close_run)
    # The legs are many small lists that form no reference cycles; the cyclic collector would scan
    # them again and again as they pile up (~15 % of the run at 100k legs), so it pauses meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        centre.env.run()
        for floor in centre.groups:
            floor.close(centre.env.now)
        records = _records(centre)
        centre.release()
    finally:
        if collecting:
            gc.enable()
    return records


def simulate_month(batch: ContactBatch, queues: list[QueueSpec] | CentreSpec, days: int) -> ContactRecords:
    """Serve one month with either a full :class:`CentreSpec` or plain per-channel queues."""
    spec = queues if isinstance(queues, CentreSpec) else centre_from_queues(list(queues))
    return simulate_centre(batch, spec, days)


def _records(c: Centre) -> ContactRecords:
    b = c.b
    cols = c.leg_store.columns()
    row = cols[ROW].astype(np.int64)
    state = cols[STATE].astype(int)
    attempt = cols[ATTEMPT].astype(np.int8)
    channel = cols[CH].astype(b.channel.dtype)
    realtime = np.array([ch.realtime for ch in c.spec.channels])[channel.astype(np.intp)] if row.size else np.zeros(0, bool)
    message = cols[MESSAGE] != 0
    unserved = state == UNSERVED
    backlog = np.isin(state, (QUEUED, HELD)) & (~realtime | message)  # a transfer still waiting for level 2 was answered
    wait = cols[WAIT].copy()
    t_queue = cols[T_QUEUE].copy()
    wait[unserved] = c.close_s - t_queue[unserved]  # NaN for a contact that never joined a queue
    wait[backlog] = c.horizon_s - t_queue[backlog]
    bot = cols[BOT].astype(np.int8)
    stretches = [(f.code, s, e) for f in c.groups for s, e in f.stretches]
    presence = Presence(*(np.array(x, dtype) for x, dtype in zip(zip(*stretches), (np.int16, float, float)))) \
        if stretches else Presence(np.zeros(0, np.int16), np.zeros(0), np.zeros(0))
    return ContactRecords(
        customer_id=b.customer_id[row], channel=channel, reason=b.reason[row], issue=row,
        attempt=attempt, arrival_s=cols[ARRIVAL].copy(),
        wait_s=wait, handle_s=cols[HANDLE].copy(), service_start_s=cols[START].copy(),
        offered=np.isin(bot, (Bot.NONE, Bot.HANDED_OFF)) & ~np.isnan(t_queue), answered=cols[ANSWERED] != 0,
        abandoned=cols[ABANDONED_F] != 0, resolved=cols[RESOLVED] != 0,
        transferred=cols[TRANSFERRED] != 0,
        bot=bot, context_lost=cols[CTX_LOST] != 0, callback=cols[CALLBACK] != 0,
        silent=cols[SILENT] != 0, backlog=backlog, carried=b.carried[row] & (attempt == 0),
        unserved_at_close=unserved, l2_handle_s=cols[L2_HANDLE].copy(),
        group=cols[GROUP].astype(np.int16), queued_s=t_queue, channel_tried=b.channel[row],
        met_closed=cols[MET_CLOSED] != 0, switched=cols[SWITCHED] != 0, message=message,
        presence=presence,
    )
