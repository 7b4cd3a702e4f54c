"""Discrete-event simulation of the contact centre (SimPy). Imports nothing from the customer model."""

from sim.des.arrivals import DemandSpec, draw_contacts
from sim.des.contacts import Bot, ContactBatch, ContactRecords
from sim.des.kpis import interval_kpis
from sim.des.simulate import simulate_centre, simulate_month
from sim.des.spec import BotSpec, CentreSpec, ChannelSpec, GroupSpec, QueueSpec

__all__ = ["Bot", "BotSpec", "CentreSpec", "ChannelSpec", "ContactBatch", "ContactRecords", "DemandSpec", "GroupSpec",
           "QueueSpec", "draw_contacts", "interval_kpis", "simulate_centre", "simulate_month"]
