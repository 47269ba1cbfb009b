#pragma once

// Header-only: every tests/gui/test_*.cpp is its own executable built from that one file.

#include "console_types.h"
#include "support/test_database.h"

#include <QAbstractItemView>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QTableWidget>
#include <QTextEdit>
#include <QTreeWidget>
#include <QWidget>

namespace ac::test {

inline const QString kSeedMessage =
    QStringLiteral("I ordered the blue widget on Tuesday and the refund never arrived. Order #4821.");
inline const QString kPasswordMessage =
    QStringLiteral("Password reset link expired again and two-factor fails. How do I reset my password? Order #4821");

// The seeded throwaway database as the console sees it: treated as the embedded demo database, so
// the demo passwords from the fixtures are offered.
inline ui::DatabaseInfo seededDatabase()
{
    TestDatabase& db = TestDatabase::instance();
    db.seedFixtures();
    return ui::DatabaseInfo{db.conninfo(), {}, QStringLiteral("test cluster"), true, {}, {}};
}

// Every piece of text a widget tree shows: labels, text views, list/tree/table items.
inline QStringList visibleTexts(const QWidget* root)
{
    QStringList out;
    for (const QLabel* l : root->findChildren<QLabel*>())
        out << l->text();
    for (const QTextEdit* t : root->findChildren<QTextEdit*>())
        out << t->toPlainText();
    for (const QPlainTextEdit* t : root->findChildren<QPlainTextEdit*>())
        out << t->toPlainText();
    for (const QAbstractItemView* view : root->findChildren<QAbstractItemView*>()) {
        const QAbstractItemModel* model = view->model();
        if (!model)
            continue;
        std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
            for (int r = 0; r < model->rowCount(parent); ++r)
                for (int c = 0; c < model->columnCount(parent); ++c) {
                    const QModelIndex index = model->index(r, c, parent);
                    for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole), int(Qt::AccessibleTextRole),
                                     int(Qt::UserRole), int(Qt::UserRole + 100)})
                        if (const QString text = index.data(role).toString(); !text.isEmpty())
                            out << text;
                    if (c == 0)
                        walk(index);
                }
        };
        walk(QModelIndex());
    }
    return out;
}

inline QStringList textsMatching(const QWidget* root, const QRegularExpression& pattern)
{
    QStringList hits;
    for (const QString& text : visibleTexts(root))
        if (pattern.match(text).hasMatch())
            hits << text.left(200);
    return hits;
}

} // namespace ac::test
