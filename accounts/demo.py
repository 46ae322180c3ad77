"""Realistic demo accounts: ordinary users, organisations, public accounts, and some problematic
ones so the queues have something to show. Deterministic (seeded) so reruns are identical."""

from __future__ import annotations

import random

from stdnum.cn import ric, uscc

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
NICK_A = ["快乐的", "安静的", "爱吃", "不会游泳的", "早起的", "追风的", "慢慢", "小小", "阿", "大橘", "半糖", "晚安", "今天也要", "山里的", "海边的", "熬夜的"]
NICK_B = ["小猫", "柠檬", "咸鱼", "土豆", "星星", "骑手", "摄影师", "老张", "程序员", "奶茶", "胖虎", "兔子", "画画的人", "旅人", "打工人", "吃货", "猫奴", "跑者"]
CITIES = ["北京", "上海", "广州", "深圳", "成都", "杭州", "武汉", "西安", "南京", "重庆", "长沙", "青岛", "厦门", "昆明", "苏州", "郑州", "沈阳", "哈尔滨", "大理", "拉萨"]
TOPICS = ["美食探店", "旅行日记", "咖啡地图", "跑步记录", "读书笔记", "手工烘焙", "摄影", "萌宠日常", "骑行", "露营", "穿搭", "家常菜"]
BIOS = [
    "记录生活里的小确幸。", "周末探店，工作日搬砖。", "喜欢猫，也喜欢下雨天。", "一个认真做饭的人。",
    "坚持跑步第{n}天。", "分享{city}好吃的和好玩的。", "读书、电影、散步。", "不定期更新旅行照片。",
    "热爱生活，热爱{topic}。", "带娃日常，偶尔吐槽。", "",
]
PROFESSIONS = ["", "", "", "设计师", "学生", "工程师", "教师", "自由职业", "产品经理", "厨师", "摄影师"]
ORG_SUFFIX = ["科技有限公司", "文化传媒有限公司", "餐饮管理有限公司", "教育咨询有限公司", "电子商务有限公司"]
ORG_WORDS = ["星河", "青禾", "远山", "拾光", "云帆", "木棉", "知行", "橙子", "小满", "山海"]

# Problematic information the platform should have caught; present in the demo so moderators
# can see findings (these mirror the Art 8 / 10 / 11 categories).
PROBLEM_NAMES = [
    ("人民日报评论", "8.4"), ("海淀公安分局", "8.2"), ("新华社快讯", "8.4"), ("中国美食第一人", "10.2"),
    ("全网最权威理财", "8.7"), ("加薇信领福利", "8.6"), ("天安门观察", "8.5"), ("国家旅游推荐官", "10.2"),
    ("支付宝客服中心", "8.2"), ("美国驻华大使馆粉丝站", "8.3"), ("张医生健康讲堂", "11"), ("代开发票专业户", "8.1"),
]
PROBLEM_BIOS = [
    "合作请加微信 abc12345", "VX：qq8888 商务合作", "联系电话 138-0013-8000", "欢迎访问 www.example点com",
    "扣扣 12345678 进群", "百分百治愈各种慢性病，全网第一",
]


def valid_ric(rng: random.Random) -> str:
    area = rng.choice(["110101", "310104", "440305", "510107", "330106", "420106", "610113", "320102"])
    birth = f"{rng.randint(1992, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = f"{area}{birth}{rng.randint(0, 999):03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def valid_uscc(rng: random.Random, prefix: str = "91") -> str:
    body = f"{prefix}{rng.choice(['110108', '310115', '440300', '510100', '330100'])}" + "".join(
        rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9)
    )
    return body + uscc.calc_check_digit(body)


def valid_mobile(rng: random.Random) -> str:
    return f"1{rng.choice(['38', '39', '58', '86', '35', '77', '99'])}{rng.randint(0, 99_999_999):08d}"


def demo_accounts(count: int, seed: int = 20221122) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        roll = rng.random()
        city, topic = rng.choice(CITIES), rng.choice(TOPICS)
        row: dict = {"uid": f"demo-{i:06d}", "kind": "individual", "is_public_account": False}
        if roll < 0.08:
            words = rng.choice(ORG_WORDS)
            org = f"{city}{words}{rng.choice(ORG_SUFFIX)}"
            row.update(kind="organization", is_public_account=rng.random() < 0.6, name=f"{words}{topic}",
                       org_name=org, org_nature="企业", org_industry=topic, org_uscc=valid_uscc(rng),
                       bio=f"{org}官方账号，分享{topic}。")
            row["identities"] = [{"method": "uscc", "number": row["org_uscc"]}]
            if row["is_public_account"]:
                row.update(operator_name=org, operator_address=f"{city}市{rng.randint(1, 300)}号",
                           content_category=topic, uscc=row["org_uscc"], contact=f"service@{words}.example.cn")
        elif roll < 0.12:
            name, _article = rng.choice(PROBLEM_NAMES)
            row.update(name=name, bio=rng.choice(PROBLEM_BIOS))
            row["identities"] = [{"method": "mobile", "number": valid_mobile(rng)}]
        else:
            style = rng.random()
            if style < 0.4:
                name = rng.choice(NICK_A) + rng.choice(NICK_B)
            elif style < 0.7:
                name = f"{city}{topic}" if rng.random() < 0.5 else f"{rng.choice(SURNAMES)}{rng.choice(NICK_B)}"
            else:
                name = f"{rng.choice(NICK_B)}{rng.randint(1, 9999)}"
            bio = rng.choice(BIOS).format(n=rng.randint(10, 999), city=city, topic=topic)
            row.update(name=name, bio=bio, profession=rng.choice(PROFESSIONS),
                       signature=rng.choice(["", "", "保持热爱", "慢慢来", "明天会更好"]))
            row["identities"] = [{"method": "mobile", "number": valid_mobile(rng)}]
            if rng.random() < 0.3:
                row["identities"].append({"method": "resident_id", "number": valid_ric(rng)})
        row["credit_score"] = max(0, min(100, int(rng.gauss(92, 10))))
        row["ip_location"] = rng.choice(["北京", "上海", "广东", "四川", "浙江", "湖北", "江苏", "美国", "日本", "未知"])
        rows.append(row)
    return rows
