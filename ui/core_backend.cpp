#include "console_backend.h"

#include "agent/context_pack_builder.h"
#include "agent/reply_drafter.h"
#include "ingest/corpus_embedder.h"
#include "ingest/embedder_factory.h"
#include "retrieval/vector_path.h"
#include "security/audit.h"

#include <QDeadlineTimer>

namespace ac::ui {

namespace {

// Answers with agent::ContextPackBuilder, the same path as `ragctl context`; drafts with
// agent::draftReply and audits each draft, as `ragctl draft` does.
class CoreBackend : public ConsoleBackend {
public:
    // A configured endpoint's client is kept across questions; trained models are found per
    // corpus version (and cached) by the retriever itself.
    CoreBackend() : llm_(agent::ChatConfig::fromEnvironment())
    {
        const ingest::EmbedderConfig config = ingest::EmbedderConfig::fromEnvironment();
        if (config.provider != QLatin1String(ingest::CorpusEmbedder::kProvider))
            embedder_ = ingest::makeEmbedder(config);
    }

    AskAnswer ask(db::PgConnection& conn, const retrieval::AgentIdentity& agent, const QString& message,
                  const retrieval::RetrievalOptions& options) override
    {
        AskAnswer answer;
        agent::ContextPackBuilder builder = embedder_ ? agent::ContextPackBuilder(conn, *embedder_)
                                                      : agent::ContextPackBuilder(conn);
        builder.setSideSession(side_);
        builder.setAuditSession(audit_);
        builder.setEstimateCache(estimates_);
        answer.pack = builder.build(agent, message, options);
        answer.plans = std::move(answer.pack.plans);
        answer.planJson = std::move(answer.pack.planJson);
        if (!answer.pack.retrieval.vectorPath.isEmpty())
            answer.recallHealth = recallHealthOf(audit_ ? *audit_ : conn, agent.merchantId);
        if (audit_)
            answer.replicationLag = db::replicationLag(*audit_, conn);
        return answer;
    }

    void probeRecall(db::PgConnection& conn, const retrieval::RetrievalRequest& request,
                     const retrieval::Diagnostics& answered) override
    {
        if (retrieval::probeRecall(conn, request, answered))
            healthMerchant_.clear();  // the next answer reads the summary with this probe in it
    }

    agent::ReplyDraft draft(db::PgConnection& conn, const agent::ContextPack& pack,
                            const std::function<void(const QString&)>& onDelta, const std::atomic<bool>* stop) override
    {
        agent::ReplyDraft draft = agent::draftReply(pack, &llm_, onDelta, stop);
        security::recordDraft(conn, pack, draft);
        return draft;
    }

    void useSideSession(db::PgConnection* side) override { side_ = side; }
    void useAuditSession(db::PgConnection* audit) override { audit_ = audit; }

private:
    // The merchant's recall summary changes only with probes: read again after this console's own
    // probe, or once a minute for everyone else's, not on every answer.
    retrieval::RecallHealth recallHealthOf(db::PgConnection& conn, const QString& merchantId)
    {
        if (healthMerchant_ != merchantId || healthExpires_.hasExpired()) {
            health_ = retrieval::recallHealth(conn);
            healthMerchant_ = merchantId;
            healthExpires_.setRemainingTime(kHealthTtlMs);
        }
        return health_;
    }

    static constexpr int kHealthTtlMs = 60000;
    std::shared_ptr<retrieval::PathEstimateCache> estimates_ = std::make_shared<retrieval::PathEstimateCache>();
    std::unique_ptr<ingest::Embedder> embedder_;
    agent::ChatClient llm_;
    db::PgConnection* side_ = nullptr;
    db::PgConnection* audit_ = nullptr;
    retrieval::RecallHealth health_;
    QString healthMerchant_;  // whose health_ is; empty: none read yet, or stale
    QDeadlineTimer healthExpires_;
};

} // namespace

std::unique_ptr<ConsoleBackend> makeCoreBackend()
{
    return std::make_unique<CoreBackend>();
}

} // namespace ac::ui
