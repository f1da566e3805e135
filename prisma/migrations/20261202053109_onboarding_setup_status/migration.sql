-- AlterEnum
ALTER TYPE "TenantStatus" ADD VALUE 'SETUP';

