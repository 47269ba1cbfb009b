#include "ingest/lexical_features.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_set>

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

std::uint64_t hashWord(const char16_t* data, qsizetype size) { return fnv(kFnvOffset, data, size); }

const std::unordered_set<std::uint64_t>& stopWords()
{
    static const std::unordered_set<std::uint64_t> words = [] {
        std::unordered_set<std::uint64_t> s;
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
                              "per", "still", "yet", "get", "got"}) {
            const QString word = QString::fromLatin1(w);
            s.insert(hashWord(reinterpret_cast<const char16_t*>(word.utf16()), word.size()));
        }
        return s;
    }();
    return words;
}

bool endsWith(const char16_t* w, qsizetype n, const char* suffix)
{
    const qsizetype k = static_cast<qsizetype>(std::strlen(suffix));
    if (n < k)
        return false;
    for (qsizetype i = 0; i < k; ++i)
        if (w[n - k + i] != static_cast<char16_t>(suffix[i]))
            return false;
    return true;
}

// A light suffix stripper (a small subset of Porter step 1): plurals, -ing, -ed, final -e. Writes
// the stem into `out` and returns its length.
qsizetype stem(const char16_t* w, qsizetype n, char16_t* out)
{
    std::copy(w, w + n, out);
    if (n <= 3 || !QChar(w[n - 1]).isLetter())
        return n;
    if (endsWith(out, n, "ies") && n > 4) {
        n -= 2;
        out[n - 1] = u'y';
    } else if (endsWith(out, n, "sses")) {
        n -= 2;
    } else if (endsWith(out, n, "s") && !endsWith(out, n, "ss") && !endsWith(out, n, "us") && !endsWith(out, n, "is")) {
        n -= 1;
    }
    if (endsWith(out, n, "ing") && n > 5)
        n -= 3;
    else if (endsWith(out, n, "ed") && n > 4)
        n -= 2;
    if (endsWith(out, n, "e") && n > 4)
        n -= 1;
    return n;
}

// Case-folded, accent-free text; ASCII (the common case) skips Unicode normalisation.
QString normalise(const QString& text)
{
    bool ascii = true;
    for (const QChar c : text)
        if (c.unicode() >= 0x80) {
            ascii = false;
            break;
        }
    if (ascii) {
        QString out = text;
        for (QChar& c : out)
            if (c.unicode() >= 'A' && c.unicode() <= 'Z')
                c = QChar(c.unicode() + 32);
        return out;
    }
    const QString decomposed = text.normalized(QString::NormalizationForm_KD).toCaseFolded();
    QString out;
    out.reserve(decomposed.size());
    for (const QChar c : decomposed)
        if (!c.isMark())
            out += c;
    return out;
}

bool isWordChar(char16_t c)
{
    if (c < 0x80)
        return (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || (c >= u'A' && c <= u'Z');
    return QChar(c).isLetterOrNumber();
}

struct WordSpan {
    qsizetype start;
    qsizetype size;
    std::uint64_t hash;
};


// The words of `normalised` and, separately, those that are not stop words (all of them when
// every word is one).
void splitWords(const char16_t* data, qsizetype size, std::vector<WordSpan>& all, std::vector<WordSpan>& content)
{
    const auto& stop = stopWords();
    for (qsizetype i = 0; i < size;) {
        if (!isWordChar(data[i])) {
            ++i;
            continue;
        }
        qsizetype j = i;
        while (j < size && isWordChar(data[j]))
            ++j;
        const WordSpan w{i, j - i, hashWord(data + i, j - i)};
        all.push_back(w);
        if (!stop.count(w.hash))
            content.push_back(w);
        i = j;
    }
    if (content.empty())
        content = all;
}

} // namespace

float featureKindWeight(std::uint64_t id) { return kClassWeight[id & 3]; }

std::uint64_t unigramFeature(const QString& stemmedWord)
{
    return feature(kUnigram, hashWord(reinterpret_cast<const char16_t*>(stemmedWord.utf16()), stemmedWord.size()));
}

QStringList lexicalWords(const QString& text)
{
    const QString normalised = normalise(text);
    const auto* data = reinterpret_cast<const char16_t*>(normalised.utf16());
    std::vector<WordSpan> all, content;
    splitWords(data, normalised.size(), all, content);
    QStringList words;
    std::vector<char16_t> buffer;
    for (const WordSpan& w : content) {
        buffer.resize(static_cast<size_t>(w.size) + 2);
        const qsizetype stemmed = stem(data + w.start, w.size, buffer.data());
        words << QString(reinterpret_cast<const QChar*>(buffer.data()), stemmed);
    }
    return words;
}

std::vector<FeatureCount> lexicalFeatures(const QString& text)
{
    const QString normalised = normalise(text);
    const auto* data = reinterpret_cast<const char16_t*>(normalised.utf16());
    std::vector<WordSpan> all, content;
    splitWords(data, normalised.size(), all, content);

    std::vector<std::uint64_t> features;
    features.reserve(content.size() * 10);
    std::uint64_t previous = 0;
    bool havePrevious = false;
    std::vector<char16_t> buffer;
    for (const WordSpan& w : content) {
        const char16_t* word = data + w.start;
        buffer.resize(static_cast<size_t>(w.size) + 2);
        const qsizetype stemmed = stem(word, w.size, buffer.data());
        const std::uint64_t h = hashWord(buffer.data(), stemmed);
        features.push_back(feature(kUnigram, h));
        if (havePrevious)
            features.push_back(feature(kBigram, previous * 31 + h));
        previous = h;
        havePrevious = true;
        if (w.size < 3 || std::all_of(word, word + w.size, [](char16_t c) { return c >= u'0' && c <= u'9'; }))
            continue;
        // Trigrams of "<word>", the marks standing for the word boundaries.
        buffer[0] = u'<';
        std::copy(word, word + w.size, buffer.begin() + 1);
        buffer[static_cast<size_t>(w.size) + 1] = u'>';
        for (qsizetype i = 0; i + 3 <= w.size + 2; ++i)
            features.push_back(feature(kTrigram, fnv(kFnvOffset, buffer.data() + i, 3)));
    }

    // Term frequencies through an open-addressing table (features are already well mixed).
    size_t capacity = 16;
    while (capacity < features.size() * 2)
        capacity <<= 1;
    std::vector<std::uint64_t> keys(capacity, 0);
    std::vector<std::uint32_t> counts(capacity, 0);
    for (const std::uint64_t f : features) {
        size_t slot = static_cast<size_t>(f >> 7) & (capacity - 1);
        while (counts[slot] != 0 && keys[slot] != f)
            slot = (slot + 1) & (capacity - 1);
        keys[slot] = f;
        ++counts[slot];
    }
    std::vector<FeatureCount> out;
    out.reserve(features.size());
    for (size_t slot = 0; slot < capacity; ++slot)
        if (counts[slot] != 0)
            out.push_back({keys[slot], counts[slot]});
    return out;
}

} // namespace ac::ingest
