#include "ingest/corpus_model.h"

#include "ingest/lexical_features.h"

#include <QCryptographicHash>
#include <QDataStream>
#include <QIODevice>
#include <QStringList>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <Eigen/SparseCore>

#include <algorithm>
#include <cmath>
#include <random>

namespace ac::ingest {

namespace {

constexpr quint32 kMagic = 0x4143434d;  // "ACCM"
constexpr quint32 kFormat = 1;

// Row-major throughout the factorisation: a sparse row-major matrix times a dense row-major one
// adds whole contiguous rows (vectorised, and split over cores), where a column-major operand
// would be read one strided float at a time.
using SparseRows = Eigen::SparseMatrix<float, Eigen::RowMajor>;
using DenseRows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Projection = DenseRows;
using RowVector = Eigen::Map<const Eigen::VectorXf>;

// Words and their fragments; bigrams add a vocabulary as large as the corpus and no measured gain.
float modelWeight(std::uint64_t id)
{
    switch (featureKind(id)) {
    case FeatureKind::Unigram: return 1.0f;
    case FeatureKind::Trigram: return 0.5f;
    case FeatureKind::Bigram: return 0.0f;
    }
    return 0.0f;
}

float termWeight(const FeatureCount& f) { return modelWeight(f.id) * (1.0f + std::log(static_cast<float>(f.count))); }

// Standard normal numbers from a fixed generator and Box-Muller, the same on every platform
// (std::normal_distribution is implementation-defined).
class Gaussian {
public:
    explicit Gaussian(std::uint64_t seed) : engine_(seed) {}
    float next()
    {
        const double u1 = (static_cast<double>(engine_() >> 11) + 1.0) * 0x1.0p-53;
        const double u2 = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
        return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
    }

private:
    std::mt19937_64 engine_;
};

DenseRows orthonormalBasis(const Eigen::MatrixXf& m)
{
    const Eigen::HouseholderQR<Eigen::MatrixXf> qr(m);
    return qr.householderQ() * Eigen::MatrixXf::Identity(m.rows(), m.cols());
}

// The power iterations only need each step's columns rescaled to span the same space without
// drifting into the top singular direction; Cholesky QR does that with two matrix products
// (Q = M R^-1, R^T R = M^T M) where Householder takes twice the work at a slower rate. It squares
// the condition number, so a matrix whose columns are far from independent (duplicate texts, a
// corpus smaller than the model) goes to Householder; the final basis is always Householder's.
DenseRows normalisedBasis(const DenseRows& m)
{
    constexpr double kWorstCondition = 1e3;
    const Eigen::MatrixXd gram = (m.transpose() * m).cast<double>();
    const Eigen::LLT<Eigen::MatrixXd> cholesky(gram);
    const Eigen::VectorXd diagonal = cholesky.matrixLLT().diagonal();
    if (cholesky.info() != Eigen::Success || !(diagonal.minCoeff() * kWorstCondition > diagonal.maxCoeff()))
        return orthonormalBasis(m);
    const Eigen::MatrixXf r = cholesky.matrixU().toDenseMatrix().cast<float>();
    DenseRows q = m;
    r.triangularView<Eigen::Upper>().solveInPlace<Eigen::OnTheRight>(q);
    return q;
}

std::vector<qsizetype> evenSample(qsizetype total, qsizetype wanted)
{
    std::vector<qsizetype> rows;
    const qsizetype n = std::min(total, wanted);
    rows.reserve(static_cast<size_t>(n));
    for (qsizetype i = 0; i < n; ++i)
        rows.push_back(static_cast<qsizetype>(static_cast<double>(i) * total / n));
    return rows;
}

} // namespace

CorpusModel CorpusModel::train(const QStringList& texts, const CorpusModelOptions& options, const ProgressFn& progress)
{
    if (options.dims <= 0 || options.maxFeatures <= 0 || options.maxTrainingTexts <= 0)
        throw EmbeddingError(QStringLiteral("corpus model: dimensions, features and training texts must be positive"));
    if (texts.isEmpty())
        throw EmbeddingError(QStringLiteral("corpus model: no texts to train on; load documents first"));
    CorpusModel model;
    model.options_ = options;
    const std::vector<qsizetype> sample = evenSample(texts.size(), options.maxTrainingTexts);
    model.trainingTexts_ = static_cast<qint64>(sample.size());

    // 1. Features of every text, and in how many texts each occurs.
    const ProgressMeter reading(QStringLiteral("train: read"), model.trainingTexts_);
    std::vector<std::vector<FeatureCount>> rows;
    rows.reserve(sample.size());
    std::unordered_map<std::uint64_t, int> documentFrequency;
    QHash<std::uint64_t, QString> words;
    for (const qsizetype i : sample) {
        std::vector<FeatureCount> features = lexicalFeatures(texts[i]);
        features.erase(std::remove_if(features.begin(), features.end(),
                                      [](const FeatureCount& f) { return modelWeight(f.id) == 0.0f; }),
                       features.end());
        for (const FeatureCount& f : features)
            ++documentFrequency[f.id];
        for (const QString& word : lexicalWords(texts[i]))
            words.insert(unigramFeature(word), word);
        rows.push_back(std::move(features));
        if (progress && rows.size() % 4096 == 0)
            progress(reading.at(static_cast<qint64>(rows.size())));
    }

    // 2. The vocabulary: features in at least minDocumentFrequency texts, the most frequent first.
    std::vector<std::pair<int, std::uint64_t>> ranked;
    for (const auto& [id, df] : documentFrequency)
        if (df >= options.minDocumentFrequency)
            ranked.emplace_back(-df, id);
    if (ranked.empty())  // a corpus too small to repeat anything: keep every feature
        for (const auto& [id, df] : documentFrequency)
            ranked.emplace_back(-df, id);
    if (ranked.empty())
        throw EmbeddingError(QStringLiteral("corpus model: the texts hold no words to learn from"));
    std::sort(ranked.begin(), ranked.end());
    if (ranked.size() > static_cast<size_t>(options.maxFeatures))
        ranked.resize(static_cast<size_t>(options.maxFeatures));
    for (const auto& r : ranked)
        model.features_.push_back(r.second);
    std::sort(model.features_.begin(), model.features_.end());
    const double n = static_cast<double>(rows.size());
    for (const std::uint64_t id : model.features_)
        model.idf_.push_back(static_cast<float>(std::log((n + 1.0) / (documentFrequency[id] + 1.0))));
    model.index();
    for (const std::uint64_t id : model.features_)
        if (const auto w = words.constFind(id); w != words.cend())
            model.words_.insert(id, *w);

    // 3. The TF-IDF matrix, one L2-normalised row per text.
    const auto featureCount = static_cast<Eigen::Index>(model.features_.size());
    SparseRows a(static_cast<Eigen::Index>(rows.size()), featureCount);
    std::vector<Eigen::Triplet<float>> entries;
    for (size_t r = 0; r < rows.size(); ++r) {
        const size_t first = entries.size();
        double norm = 0.0;
        for (const FeatureCount& f : rows[r]) {
            const auto it = model.row_.find(f.id);
            if (it == model.row_.end())
                continue;
            const float w = termWeight(f) * model.idf_[static_cast<size_t>(it->second)];
            entries.emplace_back(static_cast<Eigen::Index>(r), it->second, w);
            norm += static_cast<double>(w) * w;
        }
        if (norm > 0)
            for (size_t e = first; e < entries.size(); ++e)
                entries[e] = Eigen::Triplet<float>(entries[e].row(), entries[e].col(),
                                                   static_cast<float>(entries[e].value() / std::sqrt(norm)));
    }
    rows.clear();
    rows.shrink_to_fit();
    a.setFromTriplets(entries.begin(), entries.end());
    entries.clear();
    entries.shrink_to_fit();

    // 4. Randomized truncated SVD: a range finder with power iterations, then the small problem.
    const Eigen::Index rank = std::min<Eigen::Index>(a.rows(), featureCount);
    const Eigen::Index width = std::min<Eigen::Index>(options.dims + options.oversampling, rank);
    const qint64 steps = 2 * options.powerIterations + 2;
    const ProgressMeter factorising(QStringLiteral("train: factorise"), steps);
    if (progress)
        progress(factorising.at(0));
    Gaussian gaussian(options.seed);
    DenseRows omega(featureCount, width);
    for (Eigen::Index c = 0; c < width; ++c)
        for (Eigen::Index r = 0; r < featureCount; ++r)
            omega(r, c) = gaussian.next();
    const SparseRows at = a.transpose();  // features x texts, so that A^T X is row-major too
    DenseRows range = a * omega;
    omega.resize(0, 0);
    qint64 step = 0;
    for (int i = 0; i < options.powerIterations; ++i) {
        const DenseRows projected = at * normalisedBasis(range);
        const DenseRows back = normalisedBasis(projected);
        if (progress)
            progress(factorising.at(++step));
        range = a * back;
        if (progress)
            progress(factorising.at(++step));
    }
    const DenseRows q = orthonormalBasis(range);
    range.resize(0, 0);
    const DenseRows bt = at * q;  // features x width: B = Q^T A, transposed
    if (progress)
        progress(factorising.at(++step));
    const Eigen::MatrixXd gram = (bt.transpose() * bt).cast<double>();
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(gram);
    const Eigen::Index kept = std::min<Eigen::Index>(options.dims, width);
    Projection projection = Projection::Zero(featureCount, options.dims);
    for (Eigen::Index k = 0; k < kept; ++k) {
        const Eigen::Index e = width - 1 - k;  // eigenvalues ascend
        const double sigma = std::sqrt(std::max(0.0, eigen.eigenvalues()(e)));
        if (sigma < 1e-6)
            break;
        Eigen::VectorXf column = bt * (eigen.eigenvectors().col(e) / sigma).cast<float>();
        Eigen::Index largest = 0;
        column.cwiseAbs().maxCoeff(&largest);
        if (column(largest) < 0)  // a fixed sign, so equal corpora give equal models
            column = -column;
        projection.col(k) = column;
    }
    model.dims_ = options.dims;
    model.projection_.assign(projection.data(), projection.data() + projection.size());
    if (progress)
        progress(factorising.at(++step));
    model.seal();
    return model;
}

void CorpusModel::seal()
{
    checksum_ = QString::fromLatin1(QCryptographicHash::hash(serialize(), QCryptographicHash::Sha256).toHex());
}

void CorpusModel::index()
{
    row_.clear();
    row_.reserve(features_.size());
    for (size_t i = 0; i < features_.size(); ++i)
        row_.emplace(features_[i], static_cast<int>(i));
}

bool CorpusModel::accumulate(const QString& text, std::vector<float>& vector) const
{
    vector.assign(static_cast<size_t>(dims_), 0.0f);
    Eigen::Map<Eigen::VectorXf> out(vector.data(), dims_);
    bool any = false;
    for (const FeatureCount& f : lexicalFeatures(text)) {
        const auto it = row_.find(f.id);
        if (it == row_.end() || modelWeight(f.id) == 0.0f)
            continue;
        out += (termWeight(f) * idf_[static_cast<size_t>(it->second)]) * RowVector(row(it->second), dims_);
        any = true;
    }
    const float norm = out.norm();
    if (!any || !(norm > 0) || !std::isfinite(norm))
        return false;
    out /= norm;
    return true;
}

Embedding CorpusModel::embed(const QString& text) const
{
    Embedding out;
    if (!accumulate(text, out)) {
        // Nothing the model knows: a fixed unit vector keeps cosine distance defined.
        std::fill(out.begin(), out.end(), 0.0f);
        out[0] = 1.0f;
    }
    return out;
}

std::vector<CorpusModel::Neighbour> CorpusModel::nearestWords(const QString& word, int count) const
{
    std::vector<float> query;
    std::vector<Neighbour> out;
    if (!accumulate(word, query))
        return out;
    const RowVector target(query.data(), dims_);
    std::vector<std::pair<double, QString>> scored;
    for (auto it = words_.cbegin(); it != words_.cend(); ++it) {
        const auto row = row_.find(it.key());
        if (row == row_.end())
            continue;
        const RowVector v(this->row(row->second), dims_);
        const float norm = v.norm();
        if (norm > 0)
            scored.emplace_back(-static_cast<double>(target.dot(v) / norm), it.value());
    }
    std::sort(scored.begin(), scored.end());
    for (size_t i = 0; i < scored.size() && static_cast<int>(i) < count; ++i)
        out.push_back({scored[i].second, -scored[i].first});
    return out;
}

QByteArray CorpusModel::serialize() const
{
    QByteArray blob;
    QDataStream s(&blob, QIODevice::WriteOnly);
    s.setVersion(QDataStream::Qt_6_0);
    s.setFloatingPointPrecision(QDataStream::SinglePrecision);
    s << kMagic << kFormat << qint32(dims()) << quint64(options_.seed) << qint32(options_.minDocumentFrequency)
      << qint32(options_.maxFeatures) << qint32(options_.maxTrainingTexts) << qint32(options_.oversampling)
      << qint32(options_.powerIterations) << qint64(trainingTexts_) << quint64(features_.size());
    for (size_t i = 0; i < features_.size(); ++i) {
        s << quint64(features_[i]) << idf_[i];
        for (int c = 0; c < dims_; ++c)
            s << row(static_cast<int>(i))[c];
    }
    return blob;
}

CorpusModel CorpusModel::deserialize(const QByteArray& blob)
{
    QDataStream s(blob);
    s.setVersion(QDataStream::Qt_6_0);
    s.setFloatingPointPrecision(QDataStream::SinglePrecision);
    quint32 magic = 0, format = 0;
    qint32 dims = 0, minDf = 0, maxFeatures = 0, maxTexts = 0, oversampling = 0, power = 0;
    quint64 seed = 0, features = 0;
    qint64 trained = 0;
    s >> magic >> format;
    if (magic != kMagic)
        throw EmbeddingError(QStringLiteral("not a corpus embedding model"));
    if (format != kFormat)
        throw EmbeddingError(QStringLiteral("corpus model format %1 is not supported (expected %2)").arg(format).arg(kFormat));
    s >> dims >> seed >> minDf >> maxFeatures >> maxTexts >> oversampling >> power >> trained >> features;
    const quint64 rowBytes = 12 + 4 * static_cast<quint64>(std::max(dims, 0));
    if (s.status() != QDataStream::Ok || dims <= 0 || features * rowBytes > static_cast<quint64>(blob.size()))
        throw EmbeddingError(QStringLiteral("corpus model is truncated or corrupt"));
    CorpusModel model;
    model.options_ = {dims, seed, minDf, maxFeatures, maxTexts, oversampling, power};
    model.trainingTexts_ = trained;
    model.features_.resize(features);
    model.idf_.resize(features);
    model.dims_ = dims;
    model.projection_.assign(static_cast<size_t>(features) * static_cast<size_t>(dims), 0.0f);
    for (quint64 i = 0; i < features; ++i) {
        quint64 id = 0;
        s >> id >> model.idf_[i];
        model.features_[i] = id;
        for (int c = 0; c < dims; ++c)
            s >> model.projection_[static_cast<size_t>(i) * static_cast<size_t>(dims) + static_cast<size_t>(c)];
    }
    if (s.status() != QDataStream::Ok || !s.atEnd())
        throw EmbeddingError(QStringLiteral("corpus model is truncated or corrupt"));
    model.index();
    model.checksum_ = QString::fromLatin1(QCryptographicHash::hash(blob, QCryptographicHash::Sha256).toHex());
    return model;
}

} // namespace ac::ingest
