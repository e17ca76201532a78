/**
 * Word lists for seed text: Japanese and English mixed, as in a real Japanese team's space.
 */
import type { Rng } from '../rng.js';

const JA_SUBJECTS = [
  'ログイン画面',
  '検索機能',
  '請求書PDF',
  'プッシュ通知',
  '管理画面',
  'CSV出力',
  'ユーザー登録',
  'パスワード再設定',
  'ダッシュボード',
  '決済API',
  '在庫同期',
  'メール配信',
  'バックアップ',
  '監視アラート',
  '権限設定',
];
const JA_PROBLEMS = [
  'が表示されない',
  'の改善',
  'でエラーが発生する',
  'の仕様変更',
  'を追加する',
  'が遅い',
  'の文言修正',
  'のテスト',
  'の不具合',
  'をリファクタリング',
];
const EN_SUBJECTS = [
  'login page',
  'search results',
  'invoice export',
  'push notifications',
  'admin console',
  'CSV import',
  'sign-up flow',
  'password reset',
  'dashboard widgets',
  'payment webhook',
  'stock sync',
  'newsletter',
  'nightly backup',
  'alerting rules',
  'role settings',
];
const EN_PROBLEMS = [
  'shows a blank page',
  'needs a redesign',
  'fails with HTTP 500',
  'spec change',
  'add pagination',
  'is slow on large accounts',
  'fix wording',
  'write tests',
  'crashes on Safari',
  'refactor',
];

export function issueSummary(rng: Rng): string {
  if (rng.bool(0.55)) return rng.pick(JA_SUBJECTS) + rng.pick(JA_PROBLEMS);
  const s = rng.pick(EN_SUBJECTS);
  return `${s[0]?.toUpperCase()}${s.slice(1)} ${rng.pick(EN_PROBLEMS)}`;
}

const JA_SENTENCES = [
  '再現手順を以下に記載します。',
  'お客様から問い合わせがありました。',
  '本番環境でのみ発生しています。',
  '対応方針について相談させてください。',
  'スクリーンショットを添付します。',
  '次回リリースで対応予定です。',
];
const EN_SENTENCES = [
  'Steps to reproduce are below.',
  'Reported by a customer this morning.',
  'Only happens in production.',
  'Let us agree on the approach first.',
  'Screenshot attached.',
  'Planned for the next release.',
];

export function paragraph(rng: Rng, sentences = rng.int(1, 3)): string {
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) out.push(rng.bool(0.5) ? rng.pick(JA_SENTENCES) : rng.pick(EN_SENTENCES));
  return out.join(' ');
}

const JA_COMMENTS = [
  '確認しました。',
  '対応しました、ご確認ください。',
  'ありがとうございます！',
  '修正をマージしました。',
  '仕様を確認中です。',
  'テスト環境で再現しました。',
];
const EN_COMMENTS = [
  'Looks good to me.',
  'Fixed in the latest build, please verify.',
  'Thanks!',
  'Merged the fix.',
  'Checking the spec.',
  'Reproduced on staging.',
];

export function commentText(rng: Rng): string {
  return rng.bool(0.5) ? rng.pick(JA_COMMENTS) : rng.pick(EN_COMMENTS);
}

export const WIKI_NAMES = [
  'Home',
  '開発環境の構築',
  'リリース手順',
  'Coding guidelines',
  '議事録/2026-10-01',
  '議事録/2026-10-15',
  'API設計',
  'Onboarding',
  '障害対応フロー',
  'FAQ',
];
export const WIKI_TAGS = ['手順書', 'guide', '議事録', 'design', 'ops'];
export const DOCUMENT_TITLES = ['プロダクト要求仕様', 'Architecture overview', '週次レポート', 'Incident postmortem', '採用ページ原稿', 'Roadmap 2027'];
export const REPO_NAMES = ['web-frontend', 'api-server', 'infra', 'mobile-app', 'design-system'];
export const BRANCHES = ['feature/login', 'feature/search', 'fix/invoice-pdf', 'feature/notifications', 'chore/deps', 'fix/timezone'];
