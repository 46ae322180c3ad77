"""The words a finding's explanation is built from: each article's text (Provisions Art 7, 8
items 1–8, 10 ¶2, 11), the names of the evasions undone, of the regulated domains and of the
contact kinds. The engine joins them into the Chinese sentence a moderator and the account holder
read; the keys (article numbers, evasion tags, domains, contact kinds) are the machine keys of a
`Finding`.
"""

from __future__ import annotations

ARTICLE_TEXT: dict[str, str] = {
    "8.1": "含有《网络信息内容生态治理规定》第六条、第七条规定的违法或不良信息",
    "8.2": "假冒、仿冒、捏造党政军机关、企事业单位、人民团体或社会组织的名称、标识",
    "8.3": "假冒、仿冒、捏造国家（地区）或国际组织的名称、标识",
    "8.4": "假冒、仿冒新闻媒体的名称、标识，或擅自使用“新闻”“报道”等具有新闻属性的名称",
    "8.5": "假冒、仿冒、恶意关联行政区域、标志性建筑物等重要空间的地理名称",
    "8.6": "夹带二维码、网址、邮箱、联系方式，或使用同音、谐音、相近的文字、数字、符号和字母",
    "8.7": "含有名不副实、夸大其词等可能使公众受骗或者产生误解的内容",
    "8.8": "含有法律、行政法规和国家有关规定禁止的内容",
    "10.2": "含有“中国”“中华”“中央”“全国”“国家”等内容或党和国家象征标志，应当从严核验",
    "7": "账号信息应当与机构名称、标识等相一致",
    "11": "从事该领域信息内容生产的账号，应当提供服务资质、职业资格或专业背景材料",
}
EVASION_TEXT: dict[str, str] = {
    "fullwidth": "全角",
    "case": "大小写",
    "traditional": "繁体",
    "separator": "插入分隔符号",
    "zero_width": "零宽字符",
    "homophone": "同音字",
    "lookalike": "形近字",
    "digit_variant": "数字变体",
    "letter_variant": "字母变体",
    "symbol_variant": "符号替代",
    "repeat": "重复字符",
    "pinyin": "拼音",
}
DOMAIN_TEXT: dict[str, str] = {
    "news": "新闻",
    "publishing": "出版",
    "economy": "经济金融",
    "education": "教育",
    "medical": "医疗卫生",
    "judicial": "司法法律",
}
CONTACT_TEXT: dict[str, str] = {
    "phone": "电话号码",
    "email": "邮箱",
    "url": "网址",
    "qq": "QQ号",
    "wechat": "微信",
    "qr_pointer": "引导扫描头像、封面或主页中的二维码",
}
