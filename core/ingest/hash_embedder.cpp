#include "ingest/hash_embedder.h"

#include "ingest/vector_math.h"

#include <QSet>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace ac::ingest {

namespace {

enum FeatureClass : std::uint64_t { kUnigram = 0, kBigram = 1, kTrigram = 2 };
constexpr float kClassWeight[] = {1.0f, 0.5f, 0.25f, 0.0f};

constexpr std::uint64_t kFnvOffset = 14695981039346656037ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;

std::uint64_t fnv(std::uint64_t h, const char16_t* data, qsizetype size)
{
    for (qsizetype i = 0; i < size; ++i) {
        h ^= static_cast<std::uint64_t>(data[i]);
        h *= kFnvPrime;
    }
    return h;
}

std::uint64_t mix(std::uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// The class lives in the low two bits so one sort groups equal features of equal class.
std::uint64_t feature(FeatureClass cls, std::uint64_t h) { return (mix(h ^ (cls * 0x9e3779b97f4a7c15ull)) & ~3ull) | cls; }

const QSet<QString>& stopWords()
{
    static const QSet<QString> words = [] {
        QSet<QString> s;
        for (const char* w : {"a", "an", "the", "and", "or", "but", "if", "then", "else", "of", "to", "in", "on",
                              "at", "by", "for", "with", "from", "into", "onto", "over", "under", "about", "as",
                              "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did",
                              "have", "has", "had", "having", "it", "its", "this", "that", "these", "those",
                              "i", "me", "my", "we", "our", "you", "your", "he", "she", "him", "her", "they",
                              "them", "their", "there", "here", "what", "which", "who", "whom", "whose", "when",
                              "where", "why", "how", "can", "could", "would", "should", "will", "shall", "may",
                              "might", "must", "not", "no", "so", "too", "very", "just", "also", "than", "such",
                              "some", "any", "all", "each", "both", "either", "neither", "own", "same", "other",
                              "more", "most", "only", "s", "t", "up", "out", "off", "again", "once", "via",
                              "per", "still", "yet", "get", "got"})
            s.insert(QString::fromLatin1(w));
        return s;
    }();
    return words;
}

// A light suffix stripper (a small subset of Porter step 1): plurals, -ing, -ed, final -e.
QString stem(const QString& word)
{
    if (word.size() <= 3 || !word.back().isLetter())
        return word;
    QString w = word;
    if (w.endsWith(QLatin1String("ies")) && w.size() > 4)
        w = w.left(w.size() - 3) + QLatin1Char('y');
    else if (w.endsWith(QLatin1String("sses")))
        w.chop(2);
    else if (w.endsWith(QLatin1Char('s')) && !w.endsWith(QLatin1String("ss")) && !w.endsWith(QLatin1String("us"))
             && !w.endsWith(QLatin1String("is")))
        w.chop(1);
    if (w.endsWith(QLatin1String("ing")) && w.size() > 5)
        w.chop(3);
    else if (w.endsWith(QLatin1String("ed")) && w.size() > 4)
        w.chop(2);
    if (w.endsWith(QLatin1Char('e')) && w.size() > 4)
        w.chop(1);
    return w;
}

QString normalise(const QString& text)
{
    QString decomposed = text.normalized(QString::NormalizationForm_KD).toCaseFolded();
    QString out;
    out.reserve(decomposed.size());
    for (const QChar c : decomposed)
        if (!c.isMark())
            out += c;
    return out;
}

QStringList words(const QString& text)
{
    QStringList out;
    qsizetype start = -1;
    for (qsizetype i = 0; i <= text.size(); ++i) {
        const bool inWord = i < text.size() && text[i].isLetterOrNumber();
        if (inWord && start < 0)
            start = i;
        else if (!inWord && start >= 0) {
            out << text.mid(start, i - start);
            start = -1;
        }
    }
    return out;
}

bool isNumber(const QString& word)
{
    return std::all_of(word.begin(), word.end(), [](QChar c) { return c.isDigit(); });
}

} // namespace

HashEmbedder::HashEmbedder(int dims) : dims_(dims)
{
    if (dims_ <= 0)
        throw EmbeddingError(QStringLiteral("hash embedder: dimensions must be positive, not %1").arg(dims_));
}

EmbeddingSpec HashEmbedder::spec() const
{
    return {QStringLiteral("hash"), QString::fromLatin1(kModel), dims_, QString::fromLatin1(kVersion)};
}

std::vector<Embedding> HashEmbedder::embed(const QStringList& texts)
{
    std::vector<Embedding> out;
    out.reserve(static_cast<size_t>(texts.size()));
    for (const QString& text : texts)
        out.push_back(embedOne(text));
    return out;
}

Embedding HashEmbedder::embedOne(const QString& text) const
{
    const QStringList all = words(normalise(text));
    const QSet<QString>& stop = stopWords();
    QStringList content;
    for (const QString& w : all)
        if (!stop.contains(w))
            content << w;
    if (content.isEmpty())
        content = all;

    std::vector<std::uint64_t> features;
    features.reserve(static_cast<size_t>(content.size()) * 10);
    std::uint64_t previous = 0;
    bool havePrevious = false;
    QString marked;
    for (const QString& w : content) {
        const QString s = stem(w);
        const std::uint64_t h = fnv(kFnvOffset, reinterpret_cast<const char16_t*>(s.utf16()), s.size());
        features.push_back(feature(kUnigram, h));
        if (havePrevious)
            features.push_back(feature(kBigram, previous * 31 + h));
        previous = h;
        havePrevious = true;
        if (w.size() < 3 || isNumber(w))
            continue;
        marked = QLatin1Char('<') + w + QLatin1Char('>');
        const auto* data = reinterpret_cast<const char16_t*>(marked.utf16());
        for (qsizetype i = 0; i + 3 <= marked.size(); ++i)
            features.push_back(feature(kTrigram, fnv(kFnvOffset, data + i, 3)));
    }

    Embedding v(static_cast<size_t>(dims_), 0.0f);
    std::sort(features.begin(), features.end());
    for (size_t i = 0; i < features.size();) {
        size_t j = i;
        while (j < features.size() && features[j] == features[i])
            ++j;
        const std::uint64_t f = features[i];
        const float weight = kClassWeight[f & 3] * (1.0f + std::log(static_cast<float>(j - i)));
        const size_t bucket = static_cast<size_t>((f >> 3) % static_cast<std::uint64_t>(dims_));
        v[bucket] += ((f >> 2) & 1) ? -weight : weight;
        i = j;
    }
    if (!normalizeL2(v)) {
        // No words at all: a fixed unit vector keeps cosine distance defined.
        std::fill(v.begin(), v.end(), 0.0f);
        v[0] = 1.0f;
    }
    return v;
}

} // namespace ac::ingest
