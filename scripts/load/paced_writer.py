#!/usr/bin/env python3
"""Posts single readings at a fixed rate for scripts/bench's live-load runs,
as partners do during a submission window: on a schedule (a slow answer does
not delay the next write), each a real change, rotating over what the board's
pages show: an ICS-level figure and a partner's for the quarter in progress
and for the quarter just ended.

usage: paced_writer.py BASE_URL RATE SECONDS CURRENT_QUARTER PREVIOUS_QUARTER
prints: result WRITES SECONDS FAILED P50_MS P95_MS P99_MS
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse

SLAM = "south-london-and-maudsley-nhs-foundation-trust"


def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main():
    base, rate, seconds, current, previous = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
    url = urllib.parse.urlsplit(base)
    writes = [
        ("demo-token-board", {"metric": "m_liaison_1h", "ics": "SEL", "period": current}),
        ("demo-token-slam", {"metric": "m_liaison_1h", "ics": "SEL", "period": previous, "partner": SLAM}),
        ("demo-token-board", {"metric": "m_core24_eds", "ics": "NCL", "period": previous}),
        ("demo-token-slam", {"metric": "m_core24_eds", "ics": "SEL", "period": current, "partner": SLAM}),
    ]
    latencies, failures, lock = [], [0], threading.Lock()

    def post(n):
        token, reading = writes[n % len(writes)]
        body = json.dumps([dict(reading, value=50 + n % 40 + 0.5)])
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        started = time.perf_counter()
        try:
            connection.request("POST", "/api/v1/readings", body,
                               {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except OSError:
            ok = False
        finally:
            connection.close()
        with lock:
            latencies.append((time.perf_counter() - started) * 1000)
            if not ok:
                failures[0] += 1

    started = time.perf_counter()
    threads, n = [], 0
    while rate > 0:
        due = started + n / rate
        if due - started >= seconds:
            break
        time.sleep(max(0.0, due - time.perf_counter()))
        thread = threading.Thread(target=post, args=(n,))
        thread.start()
        threads.append(thread)
        n += 1
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    print(f"result {n} {elapsed:.3f} {failures[0]} {percentile(latencies, 50):.2f} "
          f"{percentile(latencies, 95):.2f} {percentile(latencies, 99):.2f}")


if __name__ == "__main__":
    main()
