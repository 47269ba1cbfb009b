#include "ingest/embedder_factory.h"

#include "ingest/corpus_embedder.h"
#include "ingest/hash_embedder.h"
#include "ingest/openai_embedder.h"

namespace ac::ingest {

EmbedderConfig EmbedderConfig::fromEnvironment(const QProcessEnvironment& env)
{
    EmbedderConfig config;
    auto value = [&](const char* name) { return env.value(QString::fromLatin1(name)).trimmed(); };
    auto number = [&](const char* name, int fallback) {
        bool ok = false;
        const int n = value(name).toInt(&ok);
        return ok ? n : fallback;
    };
    if (const QString provider = value("AGENT_CONSOLE_EMBEDDER"); !provider.isEmpty())
        config.provider = provider.toLower();
    config.url = value("AGENT_CONSOLE_EMBED_URL");
    config.model = value("AGENT_CONSOLE_EMBED_MODEL");
    config.dims = number("AGENT_CONSOLE_EMBED_DIMS", config.dims);
    config.timeoutMs = number("AGENT_CONSOLE_EMBED_TIMEOUT_MS", config.timeoutMs);
    config.batchSize = number("AGENT_CONSOLE_EMBED_BATCH", config.batchSize);
    config.apiKey = value("AGENT_CONSOLE_EMBED_API_KEY");
    if (config.apiKey.isEmpty())
        config.apiKey = value("OPENAI_API_KEY");
    if (const QString send = value("AGENT_CONSOLE_EMBED_SEND_DIMS"); !send.isEmpty())
        config.sendDimensions = send != QLatin1String("0") && send.toLower() != QLatin1String("false");
    return config;
}

std::unique_ptr<Embedder> makeEmbedder(const EmbedderConfig& config)
{
    if (config.provider == QLatin1String("hash")) {
        if (!config.model.isEmpty() && config.model != QLatin1String(HashEmbedder::kModel))
            throw EmbeddingError(QStringLiteral("the hash provider has one model, %1, not \"%2\"")
                                     .arg(QLatin1String(HashEmbedder::kModel), config.model));
        return std::make_unique<HashEmbedder>(config.dims);
    }
    if (config.provider == QLatin1String("openai"))
        return std::make_unique<OpenAiEmbedder>(config);
    if (config.provider == QLatin1String(CorpusEmbedder::kProvider))
        throw EmbeddingError(QStringLiteral("the corpus provider's models are trained per merchant: embed through "
                                            "the merchant's corpus (ragctl train --merchant ID)"));
    throw EmbeddingError(QStringLiteral("unknown embedding provider \"%1\": use corpus, hash or openai").arg(config.provider));
}

} // namespace ac::ingest
