"""The user's own data: contact logs (read, or simulated for trying), calibration of a scenario to
a log, and staffing plans that meet service-level targets (Erlang first guess, simulation to confirm).
"""
