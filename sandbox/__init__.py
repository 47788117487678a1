"""Local, stateful emulators of the vendors' APIs, for the demo and the tests.

Nothing here imports ``datashare`` or ``connectors``: an emulator that shares
code with the client it serves would hide the bugs of both.
"""
