#!/usr/bin/env bash
# Prints eksctl/cluster.yaml with its ${...} placeholders filled from the AWS CLI's account and
# region and the outputs of the foundation stack (eksctl/aws/foundation.yaml).
#   eksctl/render-cluster.sh > .tools/cluster.yaml
# Env: AWS_REGION (default: the CLI's), FOUNDATION_STACK (default micropay-foundation),
#      SES_IDENTITY (the verified SES domain or address notification-service sends from).
set -euo pipefail
cd "$(dirname "$0")"

export AWS_REGION="${AWS_REGION:-$(aws configure get region)}"
export AWS_ACCOUNT_ID="$(aws sts get-caller-identity --query Account --output text)"
stack="${FOUNDATION_STACK:-micropay-foundation}"
output() {
  aws cloudformation describe-stacks --region "$AWS_REGION" --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
export COGNITO_USER_POOL_ID="$(output UserPoolId)"
export CLOUD_MAP_NAMESPACE_ID="$(output NamespaceId)"
export CLOUD_MAP_SERVICE_ID_AUTH="$(output AuthServiceDiscoveryId)"
export CLOUD_MAP_SERVICE_ID_TRANSACTION="$(output TransactionServiceDiscoveryId)"
export CLOUD_MAP_SERVICE_ID_PAYMENT="$(output PaymentServiceDiscoveryId)"
export CLOUD_MAP_SERVICE_ID_NOTIFICATION="$(output NotificationServiceDiscoveryId)"
export SES_IDENTITY="${SES_IDENTITY:?set SES_IDENTITY to the verified SES domain or address}"

# Only these names are replaced; anything else that looks like a variable stays as written.
envsubst '$AWS_REGION $AWS_ACCOUNT_ID $COGNITO_USER_POOL_ID $CLOUD_MAP_NAMESPACE_ID $CLOUD_MAP_SERVICE_ID_AUTH $CLOUD_MAP_SERVICE_ID_TRANSACTION $CLOUD_MAP_SERVICE_ID_PAYMENT $CLOUD_MAP_SERVICE_ID_NOTIFICATION $SES_IDENTITY' < cluster.yaml
