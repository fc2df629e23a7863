import { describe, expect, it } from 'vitest';
import { blobError } from '../../core/blobs/types.ts';
import { ValidationFailed } from '../../core/http/field-errors.ts';
import { DomainError } from '../../core/shared/errors.ts';
import { parseRatingForm, refusedAttachment } from './form.ts';

const limits = { maxFiles: 3, maxBytesPerFile: 20 * 1024 * 1024 };

const issuesOf = (fields: Record<string, string>) => {
  try {
    parseRatingForm(new URLSearchParams(fields), limits);
  } catch (error) {
    if (error instanceof ValidationFailed) return error.issues;
    throw error;
  }
  throw new Error('the form was accepted');
};

describe('the rating form refuses in plain words, in both languages', () => {
  it('names the field and gives its own message for each mistake', () => {
    expect(issuesOf({ comment: 'x' })).toEqual([{ field: 'overall', message: { 'zh-CN': '请选择总体评价', en: 'Please choose an overall rating.' } }]);
    expect(issuesOf({ overall: '9' })).toEqual([
      { field: 'overall', message: { 'zh-CN': '请从五个等级中选择一项总体评价', en: 'Please choose one of the five overall ratings.' } },
    ]);
    expect(issuesOf({ overall: '5', comment: 'x'.repeat(501) })[0]).toMatchObject({ field: 'comment', message: { en: 'Please keep your comment to 500 characters or fewer.' } });
    expect(issuesOf({ overall: '5', 'answers.bad key': '5' })[0]).toMatchObject({ field: 'answers.bad key', message: { en: 'Please choose one of the five ratings for each detail.' } });
    expect(issuesOf({ overall: '5', via: 'fax' })[0]).toMatchObject({ field: 'via', message: { en: 'Please open the rating link again and resubmit.' } });
  });

  it('an attachment the blob store refuses gets a numbered, plain message; an unknown refusal keeps the store’s own words', () => {
    const tooLarge = blobError('BLOB_TOO_LARGE', '文件过大: image 最大 10 MB', { en: 'The file is too large: at most 10 MB for image.', field: 'file', limit: 10 * 1024 * 1024 });
    expect(refusedAttachment(1, tooLarge).issues).toEqual([
      { field: 'attachments.1', message: { 'zh-CN': '第 2 个文件过大,这类文件不能超过 10 MB', en: 'File 2 is too large; files of this kind must be at most 10 MB.' } },
    ]);
    const other = new DomainError('BLOB_SOMETHING_NEW', '新的拒绝', { status: 422, details: { en: 'A new refusal.' } });
    expect(refusedAttachment(0, other).issues).toEqual([{ field: 'attachments.0', message: { 'zh-CN': '新的拒绝', en: 'A new refusal.' } }]);
  });
});
