/* Decoding the stub-domain service protocol (see <libos/service.h>). */
#include <string.h>
#include <libos/service.h>

void svc_pack(uint64_t *mr, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t w = 0;

		memcpy(&w, src + i, n - i < 8 ? n - i : 8);
		mr[i / 8] = w;
	}
}

void svc_unpack(char *dst, const uint64_t *mr, size_t n)
{
	for (size_t i = 0; i < n; i += 8)
		memcpy(dst + i, &mr[i / 8], n - i < 8 ? n - i : 8);
}

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

int svc_decode_domid(const uint64_t *mr, unsigned nr_mrs, uint32_t *domid)
{
	if (nr_mrs < 1 || mr[0] < 1 || mr[0] > SVC_DOMID_MAX)
		return SVC_EINVAL;
	*domid = (uint32_t)mr[0];
	return SVC_OK;
}

int svc_decode_introduce(const uint64_t *mr, unsigned nr_mrs, unsigned nr_caps,
			 struct svc_introduce *out)
{
	struct svc_introduce in;
	uint32_t domid;

	if (nr_caps != 2 || nr_mrs < 2 || svc_decode_domid(mr, nr_mrs, &domid) != SVC_OK ||
	    mr[1] > SVC_NAME_MAX || 2 + svc_bytes_mrs(mr[1]) > nr_mrs)
		return SVC_EINVAL;
	memset(&in, 0, sizeof(in));
	in.domid = domid;
	svc_unpack(in.name, mr + 2, mr[1]);
	for (size_t i = 0; i < mr[1]; i++)
		if (!name_char(in.name[i]))
			return SVC_EINVAL;
	*out = in;
	return SVC_OK;
}

int svc_decode_bytes(const uint64_t *mr, unsigned nr_mrs, size_t *n)
{
	if (nr_mrs < 1 || mr[0] > SVC_BYTES_MAX || 1 + svc_bytes_mrs(mr[0]) > nr_mrs)
		return SVC_EINVAL;
	*n = mr[0];
	return SVC_OK;
}
