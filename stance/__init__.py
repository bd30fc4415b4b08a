"""stance: who said what about the US-led coalition's withdrawal from Iraq, and where they stand."""

__version__ = "0.1.0"
