#include "ingest/vector_math.h"

#include <cmath>

namespace ac::ingest {

bool normalizeL2(Embedding& v)
{
    double sum = 0.0;
    for (float x : v)
        sum += static_cast<double>(x) * x;
    if (!(sum > 0.0) || !std::isfinite(sum))
        return false;
    const float scale = static_cast<float>(1.0 / std::sqrt(sum));
    for (float& x : v)
        x *= scale;
    return true;
}

double cosineSimilarity(const Embedding& a, const Embedding& b)
{
    double dot = 0.0, na = 0.0, nb = 0.0;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        dot += static_cast<double>(a[i]) * b[i];
        na += static_cast<double>(a[i]) * a[i];
        nb += static_cast<double>(b[i]) * b[i];
    }
    return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0.0;
}

} // namespace ac::ingest
