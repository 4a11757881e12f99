"""The visit summary: from a packet to the plain facts every rendering shows.

Interface for the page, the PDF, FHIR and CSV: `build_summary(packet, audience=...)`.
(The full builder with scores, flags and log statistics replaces this first cut.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models import Packet
from services.flags import Flag, packet_flags


@dataclass
class Summary:
    packet: Packet
    audience: str
    flags: list[Flag] = field(default_factory=list)


def build_summary(packet: Packet, audience: str = "staff") -> Summary:
    """Collect what the summary shows; `audience` is "staff" or "patient"."""
    if audience not in {"staff", "patient"}:
        raise ValueError("audience is staff or patient")
    return Summary(packet=packet, audience=audience, flags=packet_flags(packet))
