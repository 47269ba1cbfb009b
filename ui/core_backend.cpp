#include "console_backend.h"

#include "agent/context_pack_builder.h"
#include "ingest/embedder_factory.h"

namespace ac::ui {

namespace {

// Answers with agent::ContextPackBuilder, the same path as `ragctl context`.
class CoreBackend : public ConsoleBackend {
public:
    CoreBackend() : embedder_(ingest::makeEmbedder(ingest::EmbedderConfig::fromEnvironment())) {}

    AskAnswer ask(db::PgConnection& conn, const retrieval::AgentIdentity& agent, const QString& message,
                  const retrieval::RetrievalOptions& options) override
    {
        AskAnswer answer;
        answer.pack = agent::ContextPackBuilder(conn, *embedder_).build(agent, message, options);
        answer.plans = std::move(answer.pack.plans);
        answer.planJson = std::move(answer.pack.planJson);
        return answer;
    }

private:
    std::unique_ptr<ingest::Embedder> embedder_;
};

} // namespace

std::unique_ptr<ConsoleBackend> makeCoreBackend()
{
    return std::make_unique<CoreBackend>();
}

} // namespace ac::ui
