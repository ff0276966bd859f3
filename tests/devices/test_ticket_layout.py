from kiosk.layout import QrCode, TextLine, ticket_layout
from server.web.ticket_print import local_time
from tests.devices.support import make_job


def texts(blocks):
    return [block.text for block in blocks if isinstance(block, TextLine)]


def test_ticket_shows_branch_number_service_and_details_in_both_languages(job):
    lines = texts(ticket_layout(job))
    assert lines[:2] == ["中山路支行", "Zhongshan Road"]
    assert "A017" in lines and "个人业务" in lines and "Personal banking" in lines
    assert "前面还有 3 人" in lines and "3 people ahead of you" in lines
    assert "预计等候 约 4–15 分钟" in lines and "Estimated wait: 4–15 min" in lines


def test_number_is_the_one_huge_line(job):
    huge = [block.text for block in ticket_layout(job) if isinstance(block, TextLine) and block.size == "huge"]
    assert huge == ["A017"]


def test_issue_time_is_shown_in_the_branch_time_zone(job):
    assert local_time("2024-05-01T01:30:00+00:00", "Asia/Shanghai") == "2024-05-01 09:30"
    assert "取号时间 2024-05-01 09:30" in texts(ticket_layout(job))


def test_unknown_time_zone_prints_the_time_as_sent():
    assert local_time("2024-05-01T01:30:00+00:00", "Mars/Olympus") == "2024-05-01 01:30"


def test_english_only_ticket_has_no_chinese():
    lines = texts(ticket_layout(make_job(languages=("en",))))
    assert "Your number" in lines
    assert not [line for line in lines if any("\u2e80" <= char <= "\u9fff" for char in line)]


def test_a_job_naming_languages_it_has_no_labels_for_prints_those_it_has(job):
    job["languages"] = ["fr"]
    lines = texts(ticket_layout(job))
    assert "您的号码" in lines and "Your number" in lines


def test_relative_track_url_is_made_absolute_for_the_qr_code(job):
    qr = [block for block in ticket_layout(job, base_url="http://10.0.0.5:5000") if isinstance(block, QrCode)]
    assert qr == [QrCode("http://10.0.0.5:5000/track/17?token=secret")]


def test_ticket_without_track_url_prints_no_qr_code():
    job = make_job(track_url=None)
    assert not [block for block in ticket_layout(job) if isinstance(block, QrCode)]


def test_nobody_ahead_and_an_imminent_call_read_naturally():
    now = {"p10": 0, "p50": 0, "p90": 0, "now": True, "label": {"zh": "现在", "en": "now", "yue": "而家"}}
    lines = texts(ticket_layout(make_job(people_ahead=0, estimated_wait=now)))
    assert "Nobody is ahead of you" in lines and "Estimated wait: now" in lines and "预计等候 现在" in lines


def test_no_estimate_prints_no_wait_line():
    lines = texts(ticket_layout(make_job(estimated_wait=None)))
    assert not [line for line in lines if "wait" in line.lower() or "等候" in line]


def test_appointment_code_is_printed_when_checked_in():
    lines = texts(ticket_layout(make_job(appointment_code="K7Q2")))
    assert "预约号 K7Q2" in lines and "Appointment K7Q2" in lines


def test_the_customers_language_prints_first():
    lines = texts(ticket_layout(make_job(language="en")))
    assert lines.index("Your number") < lines.index("您的号码")


def test_a_cantonese_ticket_prints_in_traditional_characters_first():
    lines = texts(ticket_layout(make_job(language="yue")))
    assert lines.index("你嘅號碼") < lines.index("您的号码") < lines.index("Your number")
    assert "前面仲有 3 人" in lines and "預計等候 約 4–15 分鐘" in lines
    # a name nobody gave in Cantonese falls back to English, and is printed once
    assert lines[:2] == ["Zhongshan Road", "中山路支行"]


def test_a_green_channel_ticket_says_so_under_its_number_and_its_footer_is_bilingual():
    """Decoded from the ESC/POS bytes the printer gets, as a customer would read the paper."""
    from escpos.printer import Dummy

    from kiosk.printers import EscposTicketPrinter

    job = make_job(customer_class="priority", language="zh")
    dummy = Dummy()
    EscposTicketPrinter(lambda: dummy, chinese_mode="gb18030").print_ticket(ticket_layout(job))
    paper = dummy.output.decode("gb18030", errors="replace")
    assert paper.index("A017") < paper.index("绿色通道") < paper.index("个人业务")
    assert "预计等候 约 4–15 分钟" in paper  # the screen's wording
    footer = paper[paper.index("请留意叫号") :]
    assert "Please listen for your number" in footer


def test_regular_tickets_print_no_class_line_and_vip_prints_both_names():
    assert not {"贵宾", "绿色通道"} & set(texts(ticket_layout(make_job(customer_class="regular"))))
    assert "贵宾 / VIP" in texts(ticket_layout(make_job(customer_class="vip")))
