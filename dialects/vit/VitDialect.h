//===- VitDialect.h - The vit dialect -----------------------------*- C++ -*-===//
#ifndef VITC_DIALECTS_VIT_VITDIALECT_H
#define VITC_DIALECTS_VIT_VITDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/vit/VitDialect.h.inc"

#endif // VITC_DIALECTS_VIT_VITDIALECT_H
