-- AlterTable
ALTER TABLE "ShopifyConnection" ADD COLUMN     "subscriptionsCheckedAt" TIMESTAMP(3),
ADD COLUMN     "subscriptionsProblem" TEXT;

