"""Discrete-event simulation of the contact centre (SimPy). Imports nothing from the customer model."""

from sim.des.arrivals import DemandSpec, draw_contacts
from sim.des.centre import simulate_month
from sim.des.contacts import ContactBatch, ContactRecords, QueueSpec
from sim.des.kpis import interval_kpis

__all__ = ["ContactBatch", "ContactRecords", "DemandSpec", "QueueSpec", "draw_contacts", "interval_kpis", "simulate_month"]
