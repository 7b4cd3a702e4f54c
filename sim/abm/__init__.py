"""Agent-based model of customers (Mesa). Imports nothing from the contact centre."""

from sim.abm.model import ContactRequests, CustomerModel

__all__ = ["ContactRequests", "CustomerModel"]
