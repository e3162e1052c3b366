import { Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

/**
 * CloudFront in front of the API's `/media/*` (images: immutable keys, a one-year cache header), so a repeat view
 * is answered at the edge instead of by the HTTP function and API Gateway (docs/aws.md, "CloudFront"). The origin
 * is the REST API's regional domain built from its id (not its URL, which names the stage: the stage depends on the
 * functions, whose MEDIA_URL names this distribution, so the URL would close a cycle). Only GET and HEAD, no
 * Authorization forwarded: the distribution serves public bytes only; every other path is passed through uncached.
 */
export function mediaCdn(
  scope: Construct,
  props: { api: apigw.RestApi; stageName: string; functions: readonly lambda.Function[] },
): cloudfront.Distribution {
  const region = Stack.of(scope).region;
  const origin = new origins.HttpOrigin(`${props.api.restApiId}.execute-api.${region}.amazonaws.com`, {
    originPath: `/${props.stageName}`,
    protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
  });
  const distribution = new cloudfront.Distribution(scope, 'MediaCdn', {
    comment: 'Tweeter images (/media/*), cached at the edge',
    priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    defaultBehavior: {
      origin,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    },
    additionalBehaviors: {
      '/media/*': {
        origin,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
        // Honors the origin's max-age (a year) up to its own maximum; no query string, header or cookie in the key.
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        compress: false,
      },
    },
  });
  for (const fn of props.functions) fn.addEnvironment('MEDIA_URL', `https://${distribution.distributionDomainName}`);
  return distribution;
}
