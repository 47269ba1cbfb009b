#pragma once

#include "agent/reply_draft.h"

#include <QProcessEnvironment>

#include <atomic>
#include <functional>
#include <stdexcept>

namespace ac::agent {

class ChatError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Any OpenAI-compatible POST {url}/chat/completions endpoint (OpenAI, vLLM, Ollama, llama.cpp).
// The key comes from the environment, never from argv, and is never logged.
struct ChatConfig {
    QString url;                 // base URL, e.g. https://api.openai.com/v1; empty: not configured
    QString model;
    QString apiKey;
    int timeoutMs = 30000;       // the whole request, first byte to last
    int firstTokenTimeoutMs = 15000;
    int maxRetries = 3;          // 429, 5xx, refused or timed-out connections, before any token arrived
    int initialBackoffMs = 500;  // doubles each retry; a Retry-After header wins (capped at 30 s)
    int maxTokens = 400;
    double temperature = 0.2;

    bool configured() const { return !url.isEmpty(); }
    QString endpoint() const;
    // AGENT_CONSOLE_LLM_URL, AGENT_CONSOLE_LLM_MODEL, AGENT_CONSOLE_LLM_API_KEY (or OPENAI_API_KEY),
    // AGENT_CONSOLE_LLM_TIMEOUT_MS.
    static ChatConfig fromEnvironment(const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());
};

struct ChatResult {
    QString text;
    bool complete = false;     // the stream ended with [DONE] or a finish reason
    bool cancelled = false;
    QString finishReason;      // "stop", "length", ... or "dropped" when the stream broke off
    double firstTokenMs = 0;
    double totalMs = 0;
    int attempts = 0;
};

// Streams one completion by server-sent events, calling onDelta with each piece of text as it
// arrives. Blocks the calling thread (a local event loop): call it from a worker thread in the GUI.
// Throws ChatError when no text could be had (after the retries); a stream that breaks off after
// text arrived returns what came, complete = false. Setting *cancel stops it within ~50 ms.
class ChatClient {
public:
    explicit ChatClient(ChatConfig config);

    ChatResult complete(const std::vector<ChatMessage>& messages, const std::function<void(const QString&)>& onDelta = {},
                        const std::atomic<bool>* cancel = nullptr) const;

    const ChatConfig& config() const { return config_; }

private:
    ChatConfig config_;
};

} // namespace ac::agent
