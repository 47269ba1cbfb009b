#pragma once

#include <QString>

#include <cstdint>
#include <vector>

namespace ac::ingest {

// The lexical features both offline embedders are built on. Text is case-folded, accents are
// stripped and it is cut into words; English stop words are dropped (unless nothing else is
// left), and three feature families are hashed to 64-bit ids (FNV-1a + mixer):
//   - word unigrams, lightly stemmed ("refunds" -> "refund")                  (weight 1.0)
//   - bigrams of consecutive non-stop stems                                    (weight 0.5)
//   - character trigrams of each non-stop word with boundary marks ("<pa")     (weight 0.25)
// Deterministic across runs and machines.
enum class FeatureKind : std::uint64_t { Unigram = 0, Bigram = 1, Trigram = 2 };

struct FeatureCount {
    std::uint64_t id;
    std::uint32_t count;
};

inline FeatureKind featureKind(std::uint64_t id) { return static_cast<FeatureKind>(id & 3); }
float featureKindWeight(std::uint64_t id);

// Every distinct feature of `text` with its number of occurrences, in an order fixed by the text.
std::vector<FeatureCount> lexicalFeatures(const QString& text);

// The stemmed words of `text` that lexicalFeatures() turns into unigrams, in order (stop words
// dropped as there): what a vocabulary shows a person.
QStringList lexicalWords(const QString& text);

// The unigram feature id of one stemmed word (as lexicalWords() returns it).
std::uint64_t unigramFeature(const QString& stemmedWord);

} // namespace ac::ingest
