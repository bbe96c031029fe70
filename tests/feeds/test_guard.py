"""The SSRF address policy on its own: which addresses a feed fetch may reach."""

from __future__ import annotations

import ipaddress

import pytest

from bot.feeds.guard import AddressPolicy, block_reason, parse_ip


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.0.0.5", "private"),
    ("172.16.3.4", "private"), ("192.168.1.1", "private"), ("fd00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"), ("0.0.0.0", "unspecified"),
    ("::", "unspecified"), ("100.64.0.1", "non-global"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"),
    ("2002:a00:1::", "private"),  # 6to4 wrapping 10.0.0.1
    ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 wrapping 169.254.169.254
])
def test_refused_addresses(address: str, kind: str) -> None:
    ip = parse_ip(address)
    assert ip is not None
    reason = block_reason(ip)
    assert reason is not None and reason.startswith(kind)


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    ip = parse_ip(address)
    assert ip is not None and block_reason(ip) is None


def test_mapped_addresses_are_refused_even_when_public() -> None:
    # Real DNS never answers with IPv4-mapped addresses; refusing them all is the safe side.
    ip = parse_ip("::ffff:93.184.216.34")
    assert ip is not None and block_reason(ip) is not None


def test_parse_ip_accepts_brackets_and_rejects_names() -> None:
    assert parse_ip("[::1]") == ipaddress.ip_address("::1")
    assert parse_ip("example.org") is None
    assert parse_ip("127.1") is None  # legacy forms are names here; the resolver vets them


def test_policy_switches() -> None:
    loopback = ipaddress.ip_address("127.0.0.1")
    assert AddressPolicy.build().refusal(loopback) is not None
    assert AddressPolicy.build(allow_private=True).refusal(loopback) is None
    narrow = AddressPolicy.build(allow_networks=["127.0.0.1/32"])
    assert narrow.refusal(loopback) is None
    assert narrow.refusal(ipaddress.ip_address("127.0.0.2")) is not None
    assert narrow.refusal(ipaddress.ip_address("10.0.0.1")) is not None
    zoned = AddressPolicy.build(allow_networks=["fe80::/64"])
    assert zoned.refusal(ipaddress.ip_address("fe80::1%eth0")) is None
