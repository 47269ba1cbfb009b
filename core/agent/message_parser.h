#pragma once

#include <QString>
#include <QStringList>

namespace ac::agent {

// What a pasted customer message says about who is writing and which order it is about.
struct ParsedMessage {
    QStringList orderNumbers;  // "#4821", "order 4821", "order no. 4821" -> "4821"
    QStringList emails;        // lower-cased
    QStringList customerIds;   // "customer id u42", "account: C100" -> as written
    QStringList productCodes;  // SKU-like tokens, upper-cased: "WID-BLU-01"
};

ParsedMessage parseCustomerMessage(const QString& message);

} // namespace ac::agent
