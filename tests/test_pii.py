"""Personal numbers typed into free text are masked on screen (core.pii)."""

import pytest

from core.pii import mask_text


@pytest.mark.parametrize(("text", "expected"), [
    ("致电 13800138000 核实", "致电 138****8000 核实"),
    ("电话+8613800138000", "电话+86138****8000"),
    ("身份证11010519491231002X，已核对", "身份证110***********002X，已核对"),
    ("身份证号 110105194912310021", "身份证号 110***********0021"),
    ("来自 36.110.1.2 的访问", "来自 36.110.*.* 的访问"),
    ("工单 #12345678901234 与订单 2026120112000000001", "工单 #12345678901234 与订单 2026120112000000001"),
    ("版本 1.2.3 与 v10.0.0.1.5", "版本 1.2.3 与 v10.0.0.1.5"),
    ("", ""),
])
def test_mask_text(text, expected):
    assert mask_text(text) == expected
