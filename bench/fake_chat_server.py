#!/usr/bin/env python3
"""A loopback OpenAI-compatible /chat/completions server that streams a fixed reply, for timing
`ragctl draft` and the console's draft pane without a real model (benchmarks only; the tests have
their own in C++). Binds 127.0.0.1 only.

    bench/fake_chat_server.py --port 18080 --delay-ms 20 &
    AGENT_CONSOLE_LLM_URL=http://127.0.0.1:18080/v1 ragctl draft --json --agent u1 "..."
"""
import argparse
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPLY = ("Hi Dana, I'm sorry the refund has not arrived yet. I can see order #4821 [Order #4821] was "
         "delivered and your refund was requested. Approved refunds go back to the original payment "
         "method within 5-7 business days [Refund Policy §3]. I'll follow up with our payments team "
         "and update you here. Best regards, Alice")


class Handler(BaseHTTPRequestHandler):
    delay = 0.02

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        time.sleep(self.delay * 5)  # "prompt processing" before the first token
        for i, word in enumerate(REPLY.split(" ")):
            piece = word if i == 0 else " " + word
            event = {"choices": [{"index": 0, "delta": {"content": piece}}]}
            self.wfile.write(b"data: " + json.dumps(event).encode() + b"\n\n")
            self.wfile.flush()
            time.sleep(self.delay)
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def log_message(self, *args):
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=18080)
    ap.add_argument("--delay-ms", type=float, default=20)
    args = ap.parse_args()
    Handler.delay = args.delay_ms / 1000
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
