-- A short message when an alerted condition clears
ALTER TYPE "AlertKind" ADD VALUE 'RESOLVED';
