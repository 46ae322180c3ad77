"""IP location (Art 12): domestic → province, foreign → country, private/garbage → 未知."""

import pytest

from accounts.iplocation import locate


@pytest.mark.parametrize(("ip", "label", "province"), [
    ("114.114.114.114", "江苏", "江苏"),
    ("61.135.169.121", "北京", "北京"),
    ("202.96.128.86", "广东", "广东"),
    ("210.0.255.1", "香港", "香港"),
    ("8.8.8.8", "美国", ""),
    ("192.168.1.1", "未知", ""),
    ("10.0.0.8", "未知", ""),
    ("127.0.0.1", "未知", ""),
    ("2001:db8::1", "未知", ""),
    ("240e::1", "未知", ""),
    ("::ffff:114.114.114.114", "江苏", "江苏"),
    ("not-an-ip", "未知", ""),
    ("999.1.1.1", "未知", ""),
    ("", "未知", ""),
])
def test_locate(ip, label, province):
    loc = locate(ip)
    assert loc.label == label
    assert loc.province == province


def test_locate_non_string():
    assert locate(None).label == "未知"
