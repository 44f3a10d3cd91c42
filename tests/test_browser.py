"""A person in a real browser: the simulator page, the bot over HTTP, and the worker, all for real.

Debian's chromium + chromium-driver drive the page through Selenium, with the driver's path given so
Selenium Manager never downloads anything. Without chromium this test skips locally and fails under
CI=true (the README's test command installs it).
"""
from __future__ import annotations

import os
import shutil
import uuid
import threading
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine
from werkzeug.serving import WSGIRequestHandler, make_server

import models
from bot import create_app
from bot.worker import run_forever
from simulator.platform import LinePlatform
from simulator.schema import load_spec
from simulator.server import serve
from tests.support import SECRET, TOKEN, assert_bodies_valid, wait_until

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900"]


def _find(path: str, name: str) -> str | None:
    return path if Path(path).is_file() else shutil.which(name)


def _missing(what: str) -> None:
    message = (f"{what}: install Debian's browser with `apt-get install -y chromium chromium-driver`"
               " (and `pip install -r requirements.txt` for selenium)")
    if IN_CI:
        pytest.fail(f"the browser test must run in CI, but {message}")
    pytest.skip(message)


@pytest.fixture
def browser(tmp_path):
    """Headless Debian chromium driven by its own chromedriver; quits at the end."""
    chromium, driver_path = _find("/usr/bin/chromium", "chromium"), _find("/usr/bin/chromedriver", "chromedriver")
    if not chromium or not driver_path:
        _missing(f"{'chromium' if not chromium else 'chromedriver'} is not installed")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROME_FLAGS + [f"--user-data-dir={tmp_path / 'chromium-profile'}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(10)
    yield driver
    driver.quit()


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


@pytest.fixture
def live(tmp_path):
    """The fake LINE with its page, the bot's web app over HTTP on a SQLite file, and a worker thread."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    engine = create_engine(url)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    platform = LinePlatform(SECRET, TOKEN, spec=load_spec(), monthly_limit=None)
    line = serve(platform)
    app = create_app({"DATABASE_URL": url, "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
                      "LINE_API_BASE_URL": line.url, "LINE_TIMEOUT_SECONDS": 2.0,
                      "PUBLIC_BASE_URL": "https://smartkids.example"})
    rt = app.extensions["smartkids"]
    web = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    web_thread = threading.Thread(target=web.serve_forever, kwargs={"poll_interval": 0.05}, name="bot-web",
                                  daemon=True)
    web_thread.start()
    platform.webhook_url = f"http://127.0.0.1:{web.server_port}/callback"
    stop = threading.Event()
    worker = threading.Thread(target=run_forever, args=(rt, stop), kwargs={"idle_seconds": 0.1},
                              name="bot-worker", daemon=True)
    worker.start()
    yield platform, line.url
    stop.set()
    worker.join(timeout=5)
    web.shutdown()
    web_thread.join(timeout=5)
    line.shutdown()
    rt.engine.dispose()
    assert_bodies_valid(platform)


def test_newcomer_asks_for_help_in_the_browser_and_is_told_how_to_register(live, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    platform, page_url = live
    platform.add_user("Unew", "คนใหม่")
    bot_bubbles = (By.CSS_SELECTOR, "[data-testid=bubble-bot]")
    try:
        browser.get(f"{page_url}/?me=Unew&chat=Unew")  # the page's own way to open as a persona, in a chat
        WebDriverWait(browser, 60).until(lambda d: "คนใหม่" in d.find_element(By.ID, "chat-title").text)
        browser.find_element(By.CSS_SELECTOR, "[data-testid=composer]").send_keys("ช่วยเหลือ")
        browser.find_element(By.CSS_SELECTOR, "[data-testid=send]").click()
        WebDriverWait(browser, 60, poll_frequency=0.2).until(
            lambda d: any("ลงทะเบียน" in b.text for b in d.find_elements(*bot_bubbles)))
        mine = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "[data-testid=bubble-user]")]
        assert mine == ["ช่วยเหลือ"]
        assert [m["type"] for m in platform.bot_messages("Unew")] == ["text"]
    except BaseException:
        shot = tmp_path / "browser-failure.png"
        browser.save_screenshot(str(shot))
        print(f"screenshot of the page at failure: {shot}")
        raise


LAST_BUBBLE = """
const box = document.getElementById("messages").getBoundingClientRect();
const bubbles = [...document.querySelectorAll("[data-testid=bubble-bot]")];
const last = bubbles.length ? bubbles[bubbles.length - 1] : null, r = last && last.getBoundingClientRect();
return last && {count: bubbles.length, text: last.innerText, top: r.top - box.top, bottom: box.bottom - r.bottom,
  rect: [r.left, r.top, r.right, r.bottom], chips: document.querySelectorAll("[data-testid=quick-reply]").length};
"""


def test_newcomer_sees_the_newest_message_whole_with_its_quick_replies_and_emoji(live, browser, tmp_path):
    from io import BytesIO

    from PIL import Image
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    platform, page_url = live
    platform.add_user("Unew", "คนใหม่")
    news = {"to": "Unew", "messages": [{"type": "text", "text": "ข่าวจากศูนย์\n" + "รายละเอียด\n" * 12}]}
    for n in range(3):  # pushes without quick replies, taller than the window, there when the page opens
        requests.post(f"{page_url}/v2/bot/message/push", json=news, timeout=10,
                      headers={"Authorization": f"Bearer {TOKEN}", "X-Line-Retry-Key": str(uuid.uuid4())})
    requests.post(f"{page_url}/sim/api/notes", json={"title": "เดโม", "lines": ["รหัสเชิญ ABCD-EFGH"]}, timeout=10)
    try:
        browser.get(f"{page_url}/?me=Unew&chat=Unew")
        WebDriverWait(browser, 60).until(lambda d: (d.execute_script(LAST_BUBBLE) or {}).get("count") == 3)
        assert "ABCD-EFGH" in browser.find_element(By.CSS_SELECTOR, "[data-testid=notes]").text
        WebDriverWait(browser, 20).until(lambda d: d.execute_script(LAST_BUBBLE)["bottom"] >= -1,
                                         "the page opens at the latest message")
        browser.find_element(By.CSS_SELECTOR, "[data-testid=composer]").send_keys("สวัสดี")
        browser.find_element(By.CSS_SELECTOR, "[data-testid=send]").click()
        WebDriverWait(browser, 60, poll_frequency=0.1).until(
            lambda d: (lambda last: last["chips"] and "ยังไม่ได้ลงทะเบียน" in last["text"])(d.execute_script(LAST_BUBBLE)))
        last = browser.execute_script(LAST_BUBBLE)
        assert last["top"] >= -1 and last["bottom"] >= -1, f"the newest bubble is cut: {last}"
        page = Image.open(BytesIO(browser.get_screenshot_as_png())).convert("RGB")
        greeting = page.crop(tuple(round(v) for v in last["rect"]))
        colourful = sum(max(px) - min(px) > 90 for px in greeting.get_flattened_data())
        assert colourful > 20, "🙏 is drawn by a colour emoji font, not as a box"
    except BaseException:
        shot = tmp_path / "browser-failure.png"
        browser.save_screenshot(str(shot))
        print(f"screenshot of the page at failure: {shot}")
        raise
