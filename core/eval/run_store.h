#pragma once

#include "db/pg_connection.h"
#include "eval/eval_run.h"

#include <QString>

namespace ac::eval {

// The run log: one row in eval_runs and one JSON file (<dir>/<run id>.json) per run.
class RunStore {
public:
    explicit RunStore(QString directory) : directory_(std::move(directory)) {}

    QString directory() const { return directory_; }
    QString filePath(const QString& runId) const;

    QString writeFile(const EvalRun& run) const;  // returns the path written
    static void insert(db::PgConnection& conn, const EvalRun& run);

    // A run by JSON file path, or by id: <dir>/<id>.json, else the eval_runs table when conn is
    // given. Throws EvalError when none has it.
    EvalRun load(const QString& pathOrId, db::PgConnection* conn = nullptr) const;
    static EvalRun readFile(const QString& path);

private:
    QString directory_;
};

} // namespace ac::eval
