"""Art 7 — whether an account name corresponds to the verified organisation name: the
organisation-form and industry words that do not make two names alike, the company suffixes an
individual's name must not carry, and the comparison itself. The engine strips the divisions
(it needs the compiled automaton for that) and calls `_corresponds`.
"""

from __future__ import annotations

# Organisation-form words stripped from a verified organisation name before comparing it with an
# account name (Art 7): 北京字节跳动科技有限公司 → 字节跳动.
_ORG_FORMS = (
    "股份有限公司",
    "管理",
    "股份",
    "服务",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "分公司",
    "公司",
    "集团",
    "科技",
    "网络",
    "信息技术",
    "技术",
    "文化传媒",
    "传媒",
    "发展",
    "实业",
    "贸易",
    "商贸",
)
_INDUSTRY_WORDS = (
    "餐饮",
    "食品",
    "服饰",
    "服装",
    "教育",
    "咨询",
    "建筑",
    "装饰",
    "装修",
    "广告",
    "物流",
    "医药",
    "健康",
    "生物",
    "电子",
    "商务",
    "投资",
    "置业",
    "房地产",
    "酒店",
    "旅游",
    "美容",
    "农业",
    "汽车",
    "家具",
    "软件",
    "数码",
    "母婴",
    "体育",
    "影视",
    "环保",
    "能源",
    "机械",
    "工程",
    "培训",
    "电器",
)
_INDIVIDUAL_ORG_SUFFIXES = ("有限公司", "有限责任公司", "股份公司", "集团公司")


def _corresponds(name_key: str, org_key: str, core: str) -> bool:
    """Whether an account name corresponds to the verified organisation name (Art 7): the name is
    part of the registered name, or shares its distinctive core (the registered name without
    divisions and organisation forms: 杭州青禾餐饮管理有限公司 → 青禾餐饮) or two characters of it."""
    if not name_key or name_key in org_key:
        return True
    if not core:
        return True
    if core in name_key:
        return True
    # Industry words (餐饮, 服饰, 教育 …) are shared by thousands of businesses: 青禾餐饮 does not
    # correspond to 绿叶餐饮管理有限公司 just because both sell food. Compare the distinctive rest.
    distinct = core
    for word in _INDUSTRY_WORDS:
        if word in distinct:
            distinct = distinct.replace(word, "")
    if distinct and distinct != core:
        core = distinct
        if len(core) < 2:
            return core in name_key
    need = 2 if len(core) <= 4 else 3
    return any(core[i : i + need] in name_key for i in range(len(core) - need + 1))


#: Art 7 ¶2 — kinds of organisation a name can declare, each with the words that declare it, the
#: words in a verified name that make it that kind, and the USCC classes (first character of the
#: code: 1 organ, 3 law firm and other judicial bodies, 5 social organisation, 9 enterprise, 1/5 for
#: public institutions and private non-enterprise units) it may have.
ORG_KINDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...] = (
    ("医疗机构", ("医院", "诊所", "卫生院", "医疗", "门诊部"), ("医院", "诊所", "卫生院", "医疗", "门诊", "健康"), "1589"),
    ("律师事务所", ("律师事务所", "律所", "律师"), ("律师事务所",), "3"),
    ("金融机构", ("银行", "信用社", "证券", "保险", "信托", "基金"), ("银行", "信用", "证券", "保险", "信托", "基金"), "9"),
    ("学校", ("学校", "大学", "学院", "中学", "小学", "幼儿园", "教育"), ("学校", "大学", "学院", "中学", "小学", "幼儿园", "教育", "培训"), "159"),
    ("社会团体", ("协会", "基金会", "商会", "学会", "联合会", "促进会"), ("协会", "基金会", "商会", "学会", "联合会", "促进会"), "5"),
    ("研究机构", ("研究院", "研究所", "研究中心"), ("研究", "科学院"), "1259"),
    ("新闻出版单位", ("报社", "杂志社", "出版社", "电视台", "广播电台"), ("报社", "杂志", "出版", "电视", "广播", "传媒"), "19"),
)


def org_kind_mismatch(name_key: str, org_key: str, uscc: str) -> str:
    """The kind of organisation `name_key` declares that the verified organisation is not (Art 7
    ¶2: a software company named 云帆医院, a restaurant named 青禾银行), or '' when it fits."""
    cls = uscc[:1]
    for kind, declared, fitting, classes in ORG_KINDS:
        if not any(w in name_key for w in declared):
            continue
        if any(w in org_key for w in fitting) and (not cls or cls in classes):
            continue
        return kind
    return ""
