"""Which addresses a feed fetch may connect to (the SSRF policy), as pure functions.

Feed URLs come from moderators of any community, so a URL must never make the bot talk to
its own host, the cloud metadata service or the hosting network. The policy here decides on
IP addresses only; ``bot.feeds.fetch`` applies it both before connecting and inside the
resolver the connection itself uses (so DNS rebinding cannot slip a private address in).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# RFC 6052 well-known NAT64 prefix: an address in it reaches the embedded IPv4 address.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address stands for (mapped, 6to4, Teredo, NAT64)."""
    found: list[ipaddress.IPv4Address] = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    if address in _NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def block_reason(address: IPAddress) -> str | None:
    """Why ``address`` must not be reached, or None when it is a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        for inner in _embedded_ipv4(address):
            reason = block_reason(inner)
            if reason is not None:
                return f"{reason} (embedded in {address})"
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        # Catches what the flags above miss, e.g. 100.64.0.0/10 (carrier-grade NAT).
        ("non-global", not address.is_global),
    )
    for name, hit in checks:
        if hit:
            return f"{name} address {address}"
    return None


def parse_ip(text: str) -> IPAddress | None:
    """``text`` as an IP address (brackets and IPv6 zone allowed), or None if it is a name."""
    candidate = text.strip()
    if candidate.startswith("[") and candidate.endswith("]"):
        candidate = candidate[1:-1]
    try:
        return ipaddress.ip_address(candidate)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """The SSRF policy: public addresses only, unless private ones are allowed.

    ``allow_networks`` lets a private deployment reach a few named internal networks (say its
    own feed server) without opening every private range.
    """

    allow_private: bool = False
    allow_networks: tuple[IPNetwork, ...] = field(default=())

    @classmethod
    def build(cls, *, allow_private: bool = False,
              allow_networks: Iterable[str | IPNetwork] = ()) -> AddressPolicy:
        networks = tuple(
            n if isinstance(n, ipaddress.IPv4Network | ipaddress.IPv6Network)
            else ipaddress.ip_network(n, strict=False)
            for n in allow_networks
        )
        return cls(allow_private=allow_private, allow_networks=networks)

    def refusal(self, address: IPAddress) -> str | None:
        """Why this policy refuses ``address``, or None when it may be reached."""
        if self.allow_private:
            return None
        plain = address
        if isinstance(address, ipaddress.IPv6Address) and address.scope_id:
            # Zone IDs do not change which host is meant; compare without them.
            plain = ipaddress.IPv6Address(address.compressed.split("%", 1)[0])
        if any(plain.version == net.version and plain in net for net in self.allow_networks):
            return None
        return block_reason(plain)
