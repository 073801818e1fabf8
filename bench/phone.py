"""Phone-side figures in real Chromium: a Pixel 7 with the CPU slowed 4x, offline, worker in control.

The app marks its own moments (performance marks `capture-ready`, measures `capture-save`,
`search-render` and `sync`), so these figures are what the app itself sees, not a test's polling.
"""

import statistics
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import percentile  # noqa: E402
from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Authenticator  # noqa: E402
from e2e.flows import second_device, sign_up, wait_until_controlled  # noqa: E402


def summary(values: list[float]) -> dict:
    """Count, median and p95 (nearest rank) of some timings."""
    return {
        "n": len(values),
        "median": round(statistics.median(values), 1),
        "p95": round(percentile(values, 0.95), 1),
    }


def signed_up_phone(
    pw: "Playwright", base_url: str, name: str
) -> tuple["Browser", dict, "Page", Authenticator]:
    """Chromium with one Pixel 7 signed up to a new account: browser, device, page, passkeys."""
    launch = {"args": CHROMIUM_ARGS, **({"executable_path": CHROMIUM} if CHROMIUM else {})}
    browser = pw.chromium.launch(**launch)
    device = dict(pw.devices["Pixel 7"])
    device.pop("default_browser_type", None)
    context = browser.new_context(**device, base_url=base_url)
    page = context.new_page()
    passkeys = Authenticator(context, page)
    sign_up(page, name)
    return browser, device, page, passkeys


SEED = """async ({ userId, count }) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open(`cultivate-${userId}`);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const words = ['design', 'python', 'investor', 'founder', 'data', 'marketing', 'robotics', 'health'];
  const tx = db.transaction(['contacts'], 'readwrite');
  for (let i = 0; i < count; i++) {
    tx.objectStore('contacts').put({
      id: crypto.randomUUID(), name: `Person ${i} ${words[i % 8]}son`, company: `Company ${i % 300}`,
      title: 'Engineer', email: `p${i}@example.org`,
      notes: `Talked about ${words[(i * 7) % 8]} and ${words[(i * 3) % 8]}`,
      met_at: new Date(Date.now() - i * 60000).toISOString(), tags: [words[i % 8]],
    });
  }
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  db.close();
}"""


# Waits for the app's mark without polling the page (polling would slow the start it measures).
READY = """() => new Promise((resolve) => {
  new PerformanceObserver((list, observer) => {
    const ready = list.getEntriesByName('capture-ready')[0];
    if (ready) {
      observer.disconnect();
      resolve(ready.startTime);
    }
  }).observe({ type: 'mark', buffered: true });
})"""

SAVES = """async (count) => {
  const name = document.getElementById('c-name');
  const save = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Save contact');
  for (let i = 1; i <= count; i++) {
    const measured = new Promise((resolve) => {
      const observer = new PerformanceObserver((list) => {
        if (list.getEntriesByName('capture-save').length) {
          observer.disconnect();
          resolve();
        }
      });
      observer.observe({ type: 'measure' });
    });
    name.value = `Quick Capture ${i}`;
    save.click();
    await measured;
    if (!document.getElementById('capture-saved').textContent.includes(`Quick Capture ${i}`)) {
      throw new Error(`save ${i} was not confirmed on screen`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}"""


def phone_measurements(base_url: str, short: bool) -> dict:
    """Cold start, tap Save, and search over 5,000 contacts, in one offline phone."""
    from playwright.sync_api import expect, sync_playwright

    runs = 5 if short else 20
    saves = 20 if short else 100
    with sync_playwright() as pw:
        browser, _, page, _ = signed_up_phone(pw, base_url, "Bench Mark")
        context = page.context
        wait_until_controlled(page)
        user_id = page.evaluate("() => JSON.parse(localStorage.getItem('cultivate.me')).user.id")
        context.set_offline(True)
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})

        cold = []
        for _ in range(runs):
            page.goto("/capture")
            cold.append(page.evaluate(READY))

        name = page.get_by_label("Name", exact=True)
        name.fill("Quick Capture")  # a warm-up through Playwright: the real form, the real button
        name.press("Enter")
        expect(page.get_by_text("Saved Quick Capture", exact=False)).to_be_visible()
        page.evaluate("() => performance.clearMeasures('capture-save')")
        # The measured saves from inside the page, a person's pause apart: Playwright polling a
        # page whose CPU is slowed 4x would otherwise be measured as the app's own time.
        page.evaluate(SAVES, saves)
        save = page.evaluate("() => performance.getEntriesByName('capture-save').map((m) => m.duration)")
        assert len(save) == saves, f"{len(save)} of {saves} saves measured"

        page.evaluate(SEED, {"userId": user_id, "count": 5000})
        page.goto("/contacts")
        search = page.get_by_label("Search contacts")
        expect(search).to_be_visible()
        queries = ("design", "company 12", "python founder")
        if not short:
            queries += ("investor", "health data", "robotics", "marketing son")
        for query in queries:
            search.fill("")
            search.press_sequentially(query)
        keystrokes = page.evaluate(
            "() => performance.getEntriesByName('search-render').map((m) => m.duration)"
        )
        contacts = page.evaluate("() => document.querySelector('#contact-count').textContent")
        browser.close()
    return {
        "cold_start_ms": summary(cold),
        "capture_save_ms": summary(save),
        "search_keystroke_ms": summary(keystrokes),
        "search_contacts_note": contacts,
    }


SYNC_DONE = """() => new Promise((resolve) => {
  const check = () => {
    const done = performance.getEntriesByName('sync');
    const status = document.getElementById('sync-status').textContent;
    if (done.length && status === 'Synced') resolve(done.map((m) => m.duration));
    else setTimeout(check, 50);
  };
  check();
})"""

WRITE_500 = """async () => {
  const store = await import('/js/store.js');
  for (let i = 0; i < 500; i++) {
    const fields = { name: `Offline ${i}`, met_at: new Date().toISOString() };
    await store.write('contact', crypto.randomUUID(), fields);
  }
}"""


def sync_measurements(base_url: str, short: bool) -> dict:
    """A second device's first pull of 5,000 contacts, and one device pushing 500 offline captures."""
    import uuid

    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser, device, page, passkeys = signed_up_phone(pw, base_url, "Sync Bench")
        client = str(uuid.uuid4())
        for start in range(0, 5000, 200):
            mutations = [
                {
                    "id": start + i + 1,
                    "name": "contact.put",
                    "args": {
                        "id": str(uuid.uuid4()),
                        "fields": {"name": f"Seeded {start + i}", "company": "Acme", "notes": "x" * 120},
                    },
                }
                for i in range(200)
            ]
            response = page.request.post(
                "/api/sync/push",
                data={"client_id": client, "mutations": mutations},
                headers={"Origin": base_url},
            )
            assert response.ok, response.text()
        credential = passkeys.credentials()[0]

        other = second_device(browser, device, base_url, credential)
        expect(other.get_by_role("navigation", name="Main")).to_be_visible()
        first_pull = other.evaluate(SYNC_DONE)[0]
        other.goto("/contacts")
        expect(other.get_by_text("5000 people")).to_be_visible()

        other.context.set_offline(True)
        other.evaluate(WRITE_500)
        other.evaluate("() => performance.clearMeasures('sync')")
        other.context.set_offline(False)
        push = other.evaluate(SYNC_DONE)[-1]
        browser.close()
    return {"first_pull_ms": summary([first_pull]), "push_500_ms": summary([push])}
